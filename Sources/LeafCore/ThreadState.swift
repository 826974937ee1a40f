import CLeafGate

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
public struct Frame {
    public internal(set) var caller: DomainID
    public internal(set) var callee: DomainID
    /// Objects this call lends to the callee (`borrowing` arguments).
    var lent: InlineArray<4, ObjectID> = .init(repeating: .none)
    public internal(set) var lentCount: Int = 0

    init(continuation: UnsafeMutablePointer<leaf_continuation>) {
        caller = .kernel
        callee = .kernel
        self.continuation = continuation
    }
    /// Where the caller resumes if the callee faults (a slot of `KernelState.continuations`,
    /// fixed at boot).
    public internal(set) var continuation: UnsafeMutablePointer<leaf_continuation>
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
