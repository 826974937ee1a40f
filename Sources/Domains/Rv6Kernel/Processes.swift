import LeafInterfaces
import LeafSDK

/// A process (xv6's struct proc): a program domain with its thread, as the host made them.
struct Process {
    let pid: Int32
    var parent: Int32
    let thread: UInt16
    let domain: UInt16
    let name: String
    /// Open-file indexes by descriptor (-1: closed).
    var descriptors: [Int] = Array(repeating: -1, count: Rv6Kernel.descriptorLimit)
    /// The current directory (`FileHandle.none`: the root).
    var directory = FileHandle.none
    var sleeping: Rv6Kernel.Channel? = nil
    var killed = false
    /// Ended (exit called, or its program returned or crashed), not yet waited for, with the
    /// status the first exit gave.
    var ended = false
    var status: Int32 = 0
}

extension Rv6Kernel {
    /// The process making the call: the one whose thread is running.
    func caller() -> Int? {
        guard let thread = try? host.currentThread() else { return nil }
        return processIndex(thread: thread)
    }

    func processIndex(thread: UInt16) -> Int? { processes.firstIndex { $0.thread == thread } }
    func processIndex(pid: Int32) -> Int? { processes.firstIndex { $0.pid == pid } }

    /// Starts `request`'s program as a child of `parent` (nil: the first process, on the console).
    func start(_ request: SpawnRequest, parent: Int?) -> SystemResult {
        guard let words = request.arguments.arguments, !words.isEmpty else { return .failed(.argumentsTooLong) }
        guard processes.count < Rv6Kernel.processLimit else { return .failed(.tooManyProcesses) }
        // The child's descriptors, checked before anything is made.
        var inherited: [Int] = []
        if let parent {
            guard Int(request.descriptorCount) <= 8 else { return .failed(.invalidArgument) }
            for i in 0..<Int(request.descriptorCount) {
                let fd = request.descriptors[i]
                if fd == -1 { inherited.append(-1); continue }
                guard let file = openFile(parent, fd) else { return .failed(.badDescriptor) }
                inherited.append(file)
            }
        } else {
            guard let file = allocateFile(OpenFile(kind: .console, readable: true, writable: true)) else {
                return .failed(.tooManyFiles)
            }
            files[file]?.references = 3
            inherited = [file, file, file]
        }
        // Its own handle on the parent's directory (the root for the first).
        var directory = FileHandle.none
        if let parent, processes[parent].directory != .none {
            let opened = openPath(PathName("."), from: processes[parent].directory, flags: .readOnly)
            guard opened.error == .none else { return .failed(opened.error) }
            directory = opened.handle
        }
        let started: ProgramStarted
        do throws(RpcError) {
            let arguments: RRef<ArgumentList>
            do { arguments = try RRef(request.arguments) } catch { throw .invalidArgument }
            started = try host.start(arguments)
        } catch {
            started = ProgramStarted(thread: 0, domain: 0, error: .tooManyProcesses)
        }
        guard started.error == .none else {
            closeHandle(directory)
            if parent == nil, let file = inherited.first { files[file] = nil }
            return .failed(started.error)
        }
        var child = Process(pid: nextPID, parent: parent.map { processes[$0].pid } ?? 0,
                            thread: started.thread, domain: started.domain, name: words[0])
        nextPID &+= 1
        for (fd, file) in inherited.enumerated() where file >= 0 {
            child.descriptors[fd] = file
            if parent != nil { files[file]?.references += 1 }
        }
        child.directory = directory
        processes.append(child)
        return SystemResult(value: child.pid)
    }

    /// The process has ended (however): its files and directory are closed, its children go
    /// to init, and its parent is woken. A program that called exit is still running: its
    /// domain is ended here, so that the call returns into nothing (the host counts that as
    /// an end, not a crash).
    func end(_ index: Int, status: Int32) {
        guard !processes[index].ended else { return }
        processes[index].ended = true
        processes[index].status = status
        for fd in 0..<Rv6Kernel.descriptorLimit { closeDescriptor(index, fd) }
        closeHandle(processes[index].directory)
        processes[index].directory = .none
        let pid = processes[index].pid
        var orphanEnded = false
        for i in processes.indices where processes[i].parent == pid {
            processes[i].parent = 1
            if processes[i].ended { orphanEnded = true }
        }
        if orphanEnded { wakeup(.child(1)) }
        wakeup(.child(processes[index].parent))
        do throws(RpcError) { try host.end(processes[index].thread) } catch {}
    }

    func waitForChild(_ index: Int) -> WaitResult {
        let pid = processes[index].pid
        let killed = WaitResult(pid: -1, status: -1, crashed: false, error: .killed)
        while true {
            guard processes.contains(where: { $0.parent == pid }) else {
                return WaitResult(pid: -1, status: -1, crashed: false, error: .noChild)
            }
            // Every sleep below may end with this process killed, or gone from the table.
            guard let me = processIndex(pid: pid) else { return killed }
            // As xv6: an ended child is reaped even by a killed parent.
            if let child = processes.firstIndex(where: { $0.parent == pid && $0.ended }) {
                let thread = processes[child].thread
                // Its thread runs on until it has told us of the end: reap once it has stopped.
                guard let outcome = try? host.reap(thread), outcome.finished else {
                    if processes[me].killed { return killed }
                    sleep(me, on: .timer, until: ((try? host.ticks()) ?? 0) + 1)
                    continue
                }
                guard let i = processIndex(thread: thread) else { continue }
                let done = processes.remove(at: i)
                let crashed = outcome.crashed || done.killed
                return WaitResult(pid: done.pid, status: crashed ? -1 : done.status, crashed: crashed, error: .none)
            }
            if processes[me].killed { return killed }
            sleep(me, on: .child(pid))
        }
    }

    func kill(pid: Int32) -> SystemError {
        guard let i = processIndex(pid: pid), !processes[i].ended else { return .noSuchProcess }
        // init reaps the orphans and runs the shell: without it nothing would be reaped again.
        guard processes[i].parent != 0 else { return .notPermitted }
        processes[i].killed = true
        // Its domain goes now; the thread, wherever it is, comes back to the host and exits.
        do throws(RpcError) { try host.end(processes[i].thread) } catch {}
        if processes[i].sleeping != nil {
            do throws(RpcError) { try host.wake(processes[i].thread) } catch {}
        }
        return .none
    }

    func sleep(_ index: Int, ticks: Int32) -> SystemError {
        guard ticks >= 0 else { return .invalidArgument }
        guard let now = try? host.ticks() else { return .none }
        let deadline = now + UInt64(ticks)
        let thread = processes[index].thread
        while true {
            guard let i = processIndex(thread: thread) else { return .killed }
            if processes[i].killed { return .killed }
            guard let t = try? host.ticks(), t < deadline else { return .none }
            sleep(i, on: .timer, until: deadline)
        }
    }

    func info(_ index: Int32) -> ProcessInfo {
        var row = ProcessInfo()
        guard index >= 0, Int(index) < processes.count else { return row }
        let p = processes[Int(index)]
        row.pid = p.pid
        row.parent = p.parent
        row.state = p.ended ? 2 : (p.sleeping != nil ? 1 : 0)
        row.name = ShortName.encode(p.name)
        row.domain = p.domain
        row.thread = p.thread
        if let d = try? host.domainInfo(p.domain) {
            row.objects = d.objects
            row.pages = d.pages
        }
        return row
    }
}
