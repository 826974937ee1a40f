internal import CLeafGate

public enum ThreadState: UInt8, Sendable, CustomStringConvertible {
    case unused, ready, running, blocked, exited
    public var description: String {
        switch self {
        case .unused: "unused"
        case .ready: "ready"
        case .running: "running"
        case .blocked: "blocked"
        case .exited: "exited"
        }
    }
}

/// One activation of a cross-domain call on a thread's stack.
@_spi(Kernel) public struct Frame {
    public internal(set) var caller: DomainID
    public internal(set) var callee: DomainID
    /// Objects this call lends to the callee (`borrowing` arguments).
    var lent: InlineArray<4, ObjectID> = .init(repeating: .none)
    public internal(set) var lentCount: Int = 0

    /// The thread and depth of this slot of the frame table (fixed at boot), so that popping a
    /// frame never depends on which thread happens to be running.
    let thread: UInt16
    let depth: Int

    init(thread: UInt16, depth: Int, continuation: UnsafeMutablePointer<leaf_continuation>) {
        caller = .kernel
        callee = .kernel
        self.thread = thread
        self.depth = depth
        self.continuation = continuation
    }
    /// Where the caller resumes if the callee faults (a slot of `KernelState.continuations`,
    /// fixed at boot).
    var continuation: UnsafeMutablePointer<leaf_continuation>
    /// The continuation that was innermost before this call.
    var outerContinuation: UnsafeMutablePointer<leaf_continuation>? = nil

    public static let maximumLent = 4

    public func lentObject(_ i: Int) -> ObjectID { lent[i] }
}

struct ThreadSlot {
    var state: ThreadState = .unused
    /// The domain the thread runs in when it has no frames.
    var home: DomainID = .kernel
    var depth: Int = 0
    /// Next thread in the run queue, while ready.
    var nextReady: UInt16 = UInt16.max
    /// Depth of the frame to resume with `domainCrashed` when the thread next runs, or -1: set
    /// when a domain that this (not running) thread is calling into crashes on another thread.
    var pendingUnwind: Int = -1
    /// The innermost continuation of this thread while another one runs.
    var innermost: UnsafeMutablePointer<leaf_continuation>? = nil
}
