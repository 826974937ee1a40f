@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies

/// The trusted half of Rv6's processes (the `ProcessHost` the Rv6 kernel is handed): a program
/// domain and a thread per process, pausing and waking, the clock and the console. It keeps
/// only what the kernel's tables need; who a process is, its descriptors and its children are
/// the Rv6 kernel's.
///
/// A process's thread is at home in the kernel domain and calls into its program's domain, so
/// that whatever the program does (trap, take a CPU exception, be killed) the thread comes back
/// to this code, which then tells the Rv6 kernel the process has ended. Program domains are
/// recycled: a process that has been reaped leaves its domain, torn down, for the next one
/// (`Kernel.reuse`), so a long usertests run does not use up the domain table.
@_spi(Kernel) public final class Processes: ProcessHost {
    let platform: any ThreadPlatform
    let programs: ProgramTable
    /// The Rv6 kernel (its proxy) that programs call and that each thread tells of its end; set
    /// by whoever boots Rv6, once its domain exists.
    public var system: (any Rv6System)? = nil
    /// The status `powerOff` was asked for, once it was.
    public private(set) var powerOffStatus: Int32? = nil

    struct Running {
        let thread: ThreadID
        let domain: DomainID
        /// Its program trapped or took a CPU exception (not ended by `end`).
        var crashed = false
        /// `end` tore its domain down while the program ran or after it returned.
        var endRequested = false
        var paused = false
        /// The tick past which a pause ends by itself (0: none).
        var deadline: UInt64 = 0
    }
    var running: [Running] = []
    /// Domains of reaped processes, torn down and ready for the next program.
    var pool: [DomainID] = []
    /// Programs started and threads reaped since boot (for tests and `ps`).
    public private(set) var started = 0
    public private(set) var reaped = 0

    /// What one process may hold: shared-heap objects (the kernel's table is shared with the
    /// file system and the drivers) and private-heap pages (4 MiB). A program that wants more is
    /// refused (an RRef's allocation throws) or, for its Swift heap, crashes alone.
    public static let quota = DomainQuota(objects: 48, pages: 1024)

    public init(platform: any ThreadPlatform, programs: ProgramTable) {
        self.platform = platform
        self.programs = programs
    }

    public func start(_ arguments: borrowing RRef<ArgumentList>) throws(RpcError) -> ProgramStarted {
        func refused(_ error: SystemError) -> ProgramStarted { ProgramStarted(thread: 0, domain: 0, error: error) }
        let list: ArgumentList
        do { list = try arguments.read() } catch { return refused(.invalidArgument) }
        guard let words = list.arguments, let name = words.first else { return refused(.argumentsTooLong) }
        guard let make = programs.make(name), let system else { return refused(.noSuchProgram) }
        // Domains and threads are the kernel's: made as the kernel, charged to no process.
        return Kernel.inKernelHeap { launch(name, make, list, system) }
    }

    func launch(_ name: String, _ make: @escaping ProgramTable.Make, _ list: ArgumentList, _ system: any Rv6System) -> ProgramStarted {
        func refused(_ error: SystemError) -> ProgramStarted { ProgramStarted(thread: 0, domain: 0, error: error) }
        let domain: DomainID
        do throws(KernelError) {
            // The domain starts empty: the program is made on its own thread (`body`), so that
            // nothing of it runs in the middle of its parent's spawn, as its parent.
            if let recycled = pool.popLast() {
                domain = recycled
                do { try Kernel.reuse(domain, name: name, entry: {}) } catch {
                    pool.append(domain)
                    throw error
                }
            } else {
                domain = try Kernel.createDomain(name: name, quota: Processes.quota)
                do throws(RpcError) { try Kernel.start(domain, entry: {}) } catch {}
            }
        } catch {
            return refused(.tooManyProcesses)
        }
        let thread: ThreadID
        do {
            thread = try platform.spawn(program: domain) { self.body(domain, make, list, system) }
        } catch {
            try? Kernel.tearDown(domain)
            pool.append(domain)
            return refused(.tooManyProcesses)
        }
        running.append(Running(thread: thread, domain: domain))
        started += 1
        return ProgramStarted(thread: thread.raw, domain: domain.raw, error: .none)
    }

    /// Holds the proxy the program's initializer made (it runs inside the program's domain).
    final class Made { var program: ProgramProxy? = nil }

    /// A process's thread: makes the program in its domain and runs it, then tells the Rv6
    /// kernel it has ended (from this thread, so Rv6 knows which process), however it ended.
    func body(_ domain: DomainID, _ make: @escaping ProgramTable.Make, _ list: ArgumentList, _ system: any Rv6System) {
        var status: Int32 = -1
        var crashed = true
        do throws(RpcError) {
            let made = Made()
            try Kernel.run(in: domain) {
                made.program = ProgramProxy(domain: domain, export: Kernel.export(interface: make(system), from: domain))
            }
            guard let program = made.program else { throw .domainCrashed }
            let arguments: RRef<ArgumentList>
            do { arguments = try RRef(list) } catch { throw .invalidArgument }
            status = try program.run(arguments)
            crashed = false
        } catch {}
        let me = Kernel.runningThread
        if crashed, let i = index(of: me), !running[i].endRequested { running[i].crashed = true }
        // A process that called exit returns here through the unwind its exit caused; Rv6 keeps
        // the status it gave.
        do throws(RpcError) { try system.exit(status) } catch {}
    }

    func index(of thread: ThreadID) -> Int? { running.firstIndex { $0.thread == thread } }

    public func currentThread() throws(RpcError) -> UInt16 { Kernel.runningThread.raw }

    public func pause(until deadline: UInt64) throws(RpcError) {
        guard let i = index(of: Kernel.runningThread) else { return }
        running[i].paused = true
        running[i].deadline = deadline
        if !platform.block() { platform.idle() }
        // The table may have moved while others ran.
        if let i = index(of: Kernel.runningThread) { running[i].paused = false }
    }

    public func wake(_ thread: UInt16) throws(RpcError) {
        guard let i = index(of: ThreadID(thread)), running[i].paused else { return }
        running[i].paused = false
        // Threads are the kernel's: only it may wake one (LeafCore checks the actor).
        let t = running[i].thread
        Kernel.inKernelHeap { platform.wake(t) }
    }

    /// Wakes the paused threads whose deadline has passed. The idle loop calls it.
    public func wakeExpired() {
        let now = ticksNow
        for i in running.indices where running[i].paused && running[i].deadline != 0 && running[i].deadline <= now {
            running[i].paused = false
            platform.wake(running[i].thread)
        }
    }

    public func end(_ thread: UInt16) throws(RpcError) {
        guard let i = index(of: ThreadID(thread)) else { return }
        let domain = running[i].domain
        guard Kernel.state(of: domain) == .live else { return }
        running[i].endRequested = true
        Kernel.inKernelHeap {
            do throws(KernelError) { try Kernel.crash(requested: domain) } catch {}
        }
    }

    public func reap(_ thread: UInt16) throws(RpcError) -> ThreadOutcome {
        guard let i = index(of: ThreadID(thread)) else { return ThreadOutcome(finished: true, crashed: false) }
        let record = running[i]
        guard platform.finished(record.thread) else { return ThreadOutcome(finished: false, crashed: record.crashed) }
        Kernel.inKernelHeap {
            platform.reap(record.thread)
            // A program that returned leaves its domain live: torn down here, with all it holds.
            if Kernel.state(of: record.domain) == .live {
                do throws(KernelError) { try Kernel.tearDown(record.domain) } catch {}
            }
            pool.append(record.domain)
            running.remove(at: i)
        }
        reaped += 1
        return ThreadOutcome(finished: true, crashed: record.crashed)
    }

    var ticksNow: UInt64 { platform.milliseconds / 10 }
    public func ticks() throws(RpcError) -> UInt64 { ticksNow }

    public func domainInfo(_ id: UInt16) throws(RpcError) -> DomainInfo {
        var row = DomainInfo(id: id)
        guard Int(id) < Kernel.domainSlotsInUse else { return row }
        let d = DomainID(id)
        let state = Kernel.state(of: d)
        row.exists = true
        row.state = state.rawValue
        row.name = ShortName.encode(Kernel.name(of: d))
        row.restarts = max(Kernel.incarnation(of: d), 1) - 1   // the first life is incarnation 1
        row.keptForReuse = pool.contains(d)
        guard state.isLive else { return row }
        row.objects = UInt32(clamping: Kernel.objectsCharged(to: d))
        row.pages = UInt32(clamping: Kernel.pages(of: d))
        for raw in 0..<Kernel.configuration.threadCapacity {
            let t = ThreadID(UInt16(raw))
            let threadState = Kernel.state(of: t)
            guard threadState != .unused && threadState != .exited else { continue }
            if Kernel.home(of: t) == d || Kernel.frames(of: t).contains(where: { $0.callee == d }) { row.threads += 1 }
        }
        return row
    }

    public func consoleWrite(_ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        let data: FileData
        do { data = try buffer.read() } catch { return buffer }
        let count = min(Int(data.length), FileData.capacity)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for i in 0..<count { bytes.append(data.bytes[i]) }
        platform.writeConsole(bytes)
        return buffer
    }

    public func consoleRead(_ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        var buffer = buffer
        let wanted: UInt32
        do { wanted = try buffer.read(FileData.lengthField) } catch { return buffer }
        let bytes = platform.readConsole(upTo: min(Int(wanted), FileData.capacity))
        do throws(AccessError) {
            try buffer.update { data in
                for (i, b) in bytes.enumerated() { data.bytes[i] = b }
                data.length = UInt32(bytes.count)
                data.error = .none
            }
        } catch {}
        return buffer
    }

    public func injectFault(_ request: borrowing RRef<FaultRequest>) throws(RpcError) -> SystemError {
        let fault: InjectedFault
        let name: String
        do {
            let r = try request.read()
            guard let n = r.domain else { return .invalidArgument }
            switch r.kind {
            case FaultRequest.trap: fault = .trap
            case FaultRequest.exception: fault = .exception
            default: return .invalidArgument
            }
            name = n
        } catch { return .invalidArgument }
        // Not this domain (the process host lives in its heap, which a crash would free under
        // every process's thread and the idle loop) nor the Rv6 kernel calling it (nothing would
        // be left to run the processes or report the crash): the ones that hold the system up.
        let host = Kernel.currentDomain
        let rv6 = Kernel.frames(of: Kernel.currentThread).last?.caller
        // The kernel's authority (the domains are the kernel's), on the first live one so named.
        return Kernel.inKernelHeap { () -> SystemError in
            for raw in 1..<Kernel.domainSlotsInUse {
                let d = DomainID(UInt16(raw))
                guard Kernel.state(of: d) == .live && Kernel.name(of: d) == name else { continue }
                if d == host || d == rv6 { return .notPermitted }
                // A program's domain takes no calls (its thread calls out of it): an armed fault
                // would wait for ever. `kill` ends a process.
                if running.contains(where: { $0.domain == d }) { return .notSupported }
                do throws(KernelError) { try Kernel.injectFault(fault, into: d) } catch { return .notPermitted }
                return .none
            }
            return .noSuchDomain
        }
    }

    public func powerOff(_ status: Int32) throws(RpcError) {
        powerOffStatus = status
        platform.powerOff(status)
    }

    /// Threads of processes not yet reaped.
    public var threadsRunning: Int { running.count }
    /// Whether every process's thread has finished (reaped or not).
    public var allFinished: Bool { running.allSatisfy { platform.finished($0.thread) } }

    /// Reaps the threads that finished and no one reaped (the first process has no parent).
    public func reapFinished() {
        for r in running where platform.finished(r.thread) {
            do throws(RpcError) { _ = try reap(r.thread.raw) } catch {}
        }
    }

    /// The boot thread's loop while Rv6 runs: lets the process threads run, wakes sleepers when
    /// their time comes, and waits for an interrupt when nothing is ready; returns once `done`.
    public func runUntil(_ done: () -> Bool) {
        while !done() {
            wakeExpired()
            if !platform.yield() { platform.idle() }
        }
    }
}
