import LeafSDK

/// What `ProcessHost.start` made: the new process's thread and domain, or why not.
public struct ProgramStarted: BitwiseCopyable, Sendable, Equatable {
    /// Raw thread and domain IDs (`ThreadID`, `DomainID`).
    public var thread: UInt16
    public var domain: UInt16
    public var error: SystemError
    public init(thread: UInt16, domain: UInt16, error: SystemError) {
        self.thread = thread
        self.domain = domain
        self.error = error
    }
}

/// How a process's thread ended, once it has.
public struct ThreadOutcome: BitwiseCopyable, Sendable, Equatable {
    /// Its program returned or the thread was ended (`end`); false: it still runs.
    public var finished: Bool
    /// Its program trapped or took a CPU exception (an `end` is no crash: the Rv6 kernel knows
    /// which of its ends were kills).
    public var crashed: Bool
    public init(finished: Bool, crashed: Bool) {
        self.finished = finished
        self.crashed = crashed
    }
}

/// The trusted services the Rv6 kernel stands on, handed to it alone: program domains and
/// their threads, blocking and waking, the clock and the console. Rv6 keeps every process's
/// state itself; this only creates, runs, stops and reaps what a process is made of.
public protocol ProcessHost: AnyObject {
    /// Creates a domain for the program `arguments` names (argument 0) and a thread that runs
    /// it; the thread calls this system's `Rv6System.exit` when the program ends, however it
    /// ends. `noSuchProgram`, `tooManyProcesses` or `argumentsTooLong` when it cannot.
    func start(_ arguments: borrowing RRef<ArgumentList>) throws(RpcError) -> ProgramStarted
    /// The thread making the call (the process in a system call), as a raw `ThreadID`.
    func currentThread() throws(RpcError) -> UInt16
    /// Blocks the calling thread until `wake`, or until tick `deadline` (0: none) has passed.
    /// It may return early: the caller checks again what it waits for, as xv6's sleep loops.
    func pause(until deadline: UInt64) throws(RpcError)
    /// Makes a paused thread run again (nothing if it is not paused).
    func wake(_ thread: UInt16) throws(RpcError)
    /// Ends the program on `thread`: its domain is torn down with all it holds (nothing if it
    /// is gone already); a system call it is in returns into nothing, and the thread goes on
    /// to `exit`.
    func end(_ thread: UInt16) throws(RpcError)
    /// How `thread` ended; once it has, its stack and domain are recycled and the ID is stale.
    func reap(_ thread: UInt16) throws(RpcError) -> ThreadOutcome
    /// Ticks of 10 ms since boot.
    func ticks() throws(RpcError) -> UInt64
    /// Domain slot `id`: what lives there and what it holds, for `ps`.
    func domainInfo(_ id: UInt16) throws(RpcError) -> DomainInfo
    /// Writes the buffer's bytes to the console.
    func consoleWrite(_ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData>
    /// Reads what the console has received, up to `buffer.length` bytes (0 when nothing has
    /// come yet: the caller pauses and asks again).
    func consoleRead(_ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData>
    /// Arms the fault the request names in the live domain it names (`Rv6System.injectFault`).
    func injectFault(_ request: borrowing RRef<FaultRequest>) throws(RpcError) -> SystemError
    /// Powers the machine off with `status` (0: success). Does not return on a machine.
    func powerOff(_ status: Int32) throws(RpcError)
}
