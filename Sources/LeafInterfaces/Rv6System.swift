import LeafSDK

/// A system call's answer: a value (a descriptor, a process ID, a count) or why not.
public struct SystemResult: BitwiseCopyable, Sendable, Equatable {
    public var value: Int32
    public var error: SystemError
    public init(value: Int32 = 0, error: SystemError = .none) {
        self.value = value
        self.error = error
    }
    public static func failed(_ error: SystemError) -> SystemResult { SystemResult(value: -1, error: error) }
}

/// How a child ended, as `wait` reports it.
public struct WaitResult: BitwiseCopyable, Sendable, Equatable {
    public var pid: Int32
    /// What it passed to `exit` or returned from its program; -1 when it crashed.
    public var status: Int32
    /// It trapped, took a CPU exception, or was killed, and was torn down with all it held.
    public var crashed: Bool
    public var error: SystemError
    public init(pid: Int32, status: Int32, crashed: Bool, error: SystemError) {
        self.pid = pid
        self.status = status
        self.crashed = crashed
        self.error = error
    }
}

/// `pipe`'s two new descriptors: read end and write end.
public struct PipeResult: BitwiseCopyable, Sendable, Equatable {
    public var readEnd: Int32
    public var writeEnd: Int32
    public var error: SystemError
    public init(readEnd: Int32, writeEnd: Int32, error: SystemError) {
        self.readEnd = readEnd
        self.writeEnd = writeEnd
        self.error = error
    }
}

/// What `spawn` starts: the program (argument 0) with its arguments, and the descriptors the
/// child gets: its descriptor `i` is the parent's `descriptors[i]` (-1: none), for the first
/// `descriptorCount`; the rest start closed.
public struct SpawnRequest: Exchangeable, Sendable {
    public var arguments: ArgumentList
    public var descriptors: InlineArray<8, Int32>
    public var descriptorCount: UInt8
    public static var exchangeableTypeID: UInt64 { 0xe954_7308_28ba_23e9 }   // FNV-1a of "LeafInterfaces.SpawnRequest"

    public init(arguments: ArgumentList, descriptors: [Int32]) {
        self.arguments = arguments
        self.descriptors = .init(repeating: -1)
        var n = 0
        for d in descriptors where n < 8 {
            self.descriptors[n] = d
            n += 1
        }
        descriptorCount = UInt8(n)
    }
}

/// One row of `ps`: a process, and what the kernel charges to its domain.
public struct ProcessInfo: BitwiseCopyable, Sendable {
    public var pid: Int32
    public var parent: Int32
    /// 0 running or ready, 1 sleeping (in a pipe, the console, wait or sleep), 2 ended and not
    /// yet waited for.
    public var state: UInt8
    public var name: InlineArray<16, UInt8>
    public var domain: UInt16
    public var thread: UInt16
    public var objects: UInt32
    public var pages: UInt32

    public init() {
        pid = 0
        parent = 0
        state = 0
        name = .init(repeating: 0)
        domain = 0
        thread = 0
        objects = 0
        pages = 0
    }
}

extension ProcessInfo {
    /// The program the process runs (its name, up to the first NUL).
    public var programName: String { ShortName.decode(name) }
}

/// Rv6's system calls (xv6's, with spawn in place of fork and exec). A process is a domain with
/// a thread; the kernel tells processes apart by the thread that calls. Every argument is
/// checked: a bad one is an error code, never a crash of the Rv6 kernel. Paths are relative to
/// the process's current directory unless they start with "/".
public protocol Rv6System: AnyObject {
    /// Starts a program as a child (its ID), with the descriptors the request names.
    func spawnProgram(_ request: borrowing RRef<SpawnRequest>) throws(RpcError) -> SystemResult
    /// Waits for a child to end and reaps it.
    func wait() throws(RpcError) -> WaitResult
    /// Ends the calling process with `status` (the call does not return to a live process).
    func exit(_ status: Int32) throws(RpcError)
    /// Ends process `pid` as a crash: its parent's wait reports it crashed.
    func kill(_ pid: Int32) throws(RpcError) -> SystemError
    func getpid() throws(RpcError) -> Int32
    /// Sleeps for `ticks` ticks of 10 ms.
    func sleep(_ ticks: Int32) throws(RpcError) -> SystemError
    /// Ticks of 10 ms since boot.
    func uptime() throws(RpcError) -> UInt64

    func open(_ path: borrowing RRef<PathName>, flags: OpenFlags) throws(RpcError) -> SystemResult
    /// Reads up to `buffer.length` bytes at the descriptor's offset (0 bytes: the end of the
    /// file, or a pipe whose writers are all gone). The buffer moves on to the file system or
    /// the pipe and back: no copy on the way.
    func read(_ fd: Int32, into buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData>
    /// Writes the buffer's first `buffer.length` bytes at the descriptor's offset.
    func write(_ fd: Int32, from buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData>
    func close(_ fd: Int32) throws(RpcError) -> SystemError
    /// A second descriptor (the lowest free) for the same open file.
    func dup(_ fd: Int32) throws(RpcError) -> SystemResult
    func pipe() throws(RpcError) -> PipeResult
    func fstat(_ fd: Int32) throws(RpcError) -> FileStatus
    func link(_ existing: borrowing RRef<PathName>, to new: borrowing RRef<PathName>) throws(RpcError) -> SystemError
    func unlink(_ path: borrowing RRef<PathName>) throws(RpcError) -> SystemError
    func mkdir(_ path: borrowing RRef<PathName>) throws(RpcError) -> SystemError
    func mknod(_ path: borrowing RRef<PathName>, major: Int16, minor: Int16) throws(RpcError) -> SystemError
    func chdir(_ path: borrowing RRef<PathName>) throws(RpcError) -> SystemError

    /// Row `index` of the process table (`pid` 0: past the last process).
    func process(_ index: Int32) throws(RpcError) -> ProcessInfo
    /// Domain slot `index` of the kernel's table, whatever lives there (a driver, the file
    /// system, Rv6, a process); `exists` false past the last.
    func domainInfo(_ index: Int32) throws(RpcError) -> DomainInfo
    /// Arms a fault in the live domain the request names (a driver, the file system, Rv6
    /// itself, a process): the next call into it takes it there, and the domain crashes as a
    /// bug would crash it. `noSuchDomain`, or `invalidArgument` for a kind that is none.
    func injectFault(_ request: borrowing RRef<FaultRequest>) throws(RpcError) -> SystemError
    /// Flushes the file system and powers the machine off with `status`.
    func halt(_ status: Int32) throws(RpcError) -> SystemError
    /// Starts the first process (init), with the console as descriptors 0, 1 and 2. Refused
    /// once any process exists.
    func boot(_ request: borrowing RRef<SpawnRequest>) throws(RpcError) -> SystemResult
}

/// What a program domain exports: its main, run once on the process's thread.
public protocol Program: AnyObject {
    /// Runs the program to its end and returns its exit status.
    func run(_ arguments: borrowing RRef<ArgumentList>) throws(RpcError) -> Int32
}
