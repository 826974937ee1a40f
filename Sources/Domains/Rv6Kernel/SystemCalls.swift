import LeafInterfaces
import LeafSDK

/// The system-call interface: each call finds the calling process by its thread and hands
/// over to the file that implements it. A thread that is no process (or one that has ended)
/// gets `noSuchProcess`.
extension Rv6Kernel: Rv6System {
    public func spawnProgram(_ request: borrowing RRef<SpawnRequest>) throws(RpcError) -> SystemResult {
        guard let me = live() else { return .failed(.noSuchProcess) }
        guard let r = try? request.read() else { return .failed(.invalidArgument) }
        return start(r, parent: me)
    }

    public func boot(_ request: borrowing RRef<SpawnRequest>) throws(RpcError) -> SystemResult {
        guard processes.isEmpty, nextPID == 1 else { return .failed(.exists) }
        guard let r = try? request.read() else { return .failed(.invalidArgument) }
        return start(r, parent: nil)
    }

    public func wait() throws(RpcError) -> WaitResult {
        guard let me = live() else { return WaitResult(pid: -1, status: -1, crashed: false, error: .noSuchProcess) }
        return waitForChild(me)
    }

    public func exit(_ status: Int32) throws(RpcError) {
        guard let me = caller() else { return }
        // From the program, or from its thread once the program is gone (returned, crashed or
        // killed): the first records the end.
        end(me, status: status)
    }

    public func kill(_ pid: Int32) throws(RpcError) -> SystemError {
        guard live() != nil else { return .noSuchProcess }
        return kill(pid: pid)
    }

    public func getpid() throws(RpcError) -> Int32 {
        guard let me = live() else { return -1 }
        return processes[me].pid
    }

    public func sleep(_ ticks: Int32) throws(RpcError) -> SystemError {
        guard let me = live() else { return .noSuchProcess }
        return sleep(me, ticks: ticks)
    }

    public func uptime() throws(RpcError) -> UInt64 { (try? host.ticks()) ?? 0 }

    public func open(_ path: borrowing RRef<PathName>, flags: OpenFlags) throws(RpcError) -> SystemResult {
        guard let me = live() else { return .failed(.noSuchProcess) }
        return open(me, path, flags: flags)
    }

    public func read(_ fd: Int32, into buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        guard let me = live() else { return failed(buffer, .noSuchProcess) }
        return try read(me, fd, buffer)
    }

    public func write(_ fd: Int32, from buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        guard let me = live() else { return failed(buffer, .noSuchProcess) }
        return try write(me, fd, buffer)
    }

    public func close(_ fd: Int32) throws(RpcError) -> SystemError {
        guard let me = live() else { return .noSuchProcess }
        return close(me, fd)
    }

    public func dup(_ fd: Int32) throws(RpcError) -> SystemResult {
        guard let me = live() else { return .failed(.noSuchProcess) }
        return dup(me, fd)
    }

    public func pipe() throws(RpcError) -> PipeResult {
        guard let me = live() else { return PipeResult(readEnd: -1, writeEnd: -1, error: .noSuchProcess) }
        return makePipe(me)
    }

    public func fstat(_ fd: Int32) throws(RpcError) -> FileStatus {
        guard let me = live() else {
            return FileStatus(device: 0, inode: 0, type: .free, links: 0, size: 0, major: 0, minor: 0, error: .noSuchProcess)
        }
        return fstat(me, fd)
    }

    public func link(_ existing: borrowing RRef<PathName>, to new: borrowing RRef<PathName>) throws(RpcError) -> SystemError {
        guard let me = live() else { return .noSuchProcess }
        let directory = processes[me].directory
        return onNames { fs throws(RpcError) in try fs.link(existing, to: new, from: directory) }
    }

    public func unlink(_ path: borrowing RRef<PathName>) throws(RpcError) -> SystemError {
        guard let me = live() else { return .noSuchProcess }
        let directory = processes[me].directory
        return onNames { fs throws(RpcError) in try fs.unlink(path, from: directory) }
    }

    public func mkdir(_ path: borrowing RRef<PathName>) throws(RpcError) -> SystemError {
        guard let me = live() else { return .noSuchProcess }
        let directory = processes[me].directory
        return onNames { fs throws(RpcError) in try fs.makeDirectory(path, from: directory) }
    }

    public func mknod(_ path: borrowing RRef<PathName>, major: Int16, minor: Int16) throws(RpcError) -> SystemError {
        guard let me = live() else { return .noSuchProcess }
        let directory = processes[me].directory
        return onNames { fs throws(RpcError) in try fs.makeDevice(path, from: directory, major: major, minor: minor) }
    }

    public func chdir(_ path: borrowing RRef<PathName>) throws(RpcError) -> SystemError {
        guard let me = live() else { return .noSuchProcess }
        return chdir(me, path)
    }

    public func process(_ index: Int32) throws(RpcError) -> ProcessInfo { info(index) }
    public func domainInfo(_ index: Int32) throws(RpcError) -> DomainInfo {
        guard index >= 0 && index <= Int32(UInt16.max) else { return DomainInfo(id: 0) }
        return (try? host.domainInfo(UInt16(index))) ?? DomainInfo(id: UInt16(index))
    }

    public func injectFault(_ request: borrowing RRef<FaultRequest>) throws(RpcError) -> SystemError {
        guard live() != nil else { return .noSuchProcess }
        return try host.injectFault(request)
    }

    public func halt(_ status: Int32) throws(RpcError) -> SystemError {
        guard live() != nil else { return .noSuchProcess }
        var status = status
        if let fileSystem {
            do throws(RpcError) {
                let synced = try fileSystem.sync()
                guard synced == .none else { return synced }
            } catch {
                // The file system's domain is gone: nothing can be flushed (its log recovers at
                // the next mount), and the machine goes off with a failure, not kept running.
                status = status == 0 ? 1 : status
            }
        }
        try host.powerOff(status)
        return .none
    }

    /// The calling process, if it is one and has not ended.
    func live() -> Int? {
        guard let me = caller(), !processes[me].ended else { return nil }
        return me
    }
}
