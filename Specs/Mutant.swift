/// Deliberate bugs that `verify --mutants` plants in the transitions, one at a time, to show
/// that the invariants catch them. `.none` is the specification itself; the kernel's monitor
/// and the refinement tests always run `.none`. The hooks sit in the spec's own code, at the
/// line each bug would change, so there is still only one copy of every transition.
public enum Mutant: Int, CaseIterable, Sendable {
    case none
    case moveSkipsOwnerUpdate
    case putAcceptsContainer
    case takeKeepsParent
    case dropForgetsContainerElements
    case teardownForgetsContainerElements
    case teardownKeepsPages
    case returnLeavesBorrowCounted
    case returnIntoDeadCaller
    case crashKeepsDeadDomainOnStacks
    case crashSparesHomeThreads
    case callSkipsLiveCheck
    case freePageTwice
    case allocForgetsCount
    case wakeSkipsRunQueue
    case exitLeavesThreadQueued
    case spawnOnDeadDomain
    case yieldLosesThread

    /// The transition the bug is planted in.
    public var transition: Transition {
        switch self {
        case .none: .alloc
        case .moveSkipsOwnerUpdate: .move
        case .putAcceptsContainer: .put
        case .takeKeepsParent: .take
        case .dropForgetsContainerElements: .drop
        case .teardownForgetsContainerElements, .teardownKeepsPages: .tearDown
        case .returnLeavesBorrowCounted, .returnIntoDeadCaller: .ret
        case .crashKeepsDeadDomainOnStacks, .crashSparesHomeThreads: .crash
        case .callSkipsLiveCheck: .call
        case .freePageTwice: .freePage
        case .allocForgetsCount: .alloc
        case .wakeSkipsRunQueue: .wake
        case .exitLeavesThreadQueued: .exit
        case .spawnOnDeadDomain: .spawn
        case .yieldLosesThread: .yield
        }
    }

    public var name: String {
        switch self {
        case .none: "none"
        case .moveSkipsOwnerUpdate: "move-skips-owner-update"
        case .putAcceptsContainer: "put-accepts-container"
        case .takeKeepsParent: "take-keeps-parent"
        case .dropForgetsContainerElements: "drop-forgets-container-elements"
        case .teardownForgetsContainerElements: "teardown-forgets-container-elements"
        case .teardownKeepsPages: "teardown-keeps-pages"
        case .returnLeavesBorrowCounted: "return-leaves-borrow-counted"
        case .returnIntoDeadCaller: "return-into-dead-caller"
        case .crashKeepsDeadDomainOnStacks: "crash-keeps-dead-domain-on-stacks"
        case .crashSparesHomeThreads: "crash-spares-home-threads"
        case .callSkipsLiveCheck: "call-skips-live-check"
        case .freePageTwice: "free-page-twice"
        case .allocForgetsCount: "alloc-forgets-count"
        case .wakeSkipsRunQueue: "wake-skips-run-queue"
        case .exitLeavesThreadQueued: "exit-leaves-thread-queued"
        case .spawnOnDeadDomain: "spawn-on-dead-domain"
        case .yieldLosesThread: "yield-loses-thread"
        }
    }

    public var summary: String {
        switch self {
        case .none: "the specification as written"
        case .moveSkipsOwnerUpdate: "move adjusts the counts but never rewrites the owner"
        case .putAcceptsContainer: "put accepts a container as an element (so one can be put into itself)"
        case .takeKeepsParent: "take leaves the element's parent set"
        case .dropForgetsContainerElements: "drop frees the container but not what it holds"
        case .teardownForgetsContainerElements: "teardown reclaims what the domain owns outright, not its containers' elements"
        case .teardownKeepsPages: "teardown leaves the domain's pages allocated"
        case .returnLeavesBorrowCounted: "return pops the frame without releasing what it lent"
        case .returnIntoDeadCaller: "return resumes a caller that crashed during the call"
        case .crashKeepsDeadDomainOnStacks: "crash unwinds only the faulting thread"
        case .crashSparesHomeThreads: "crash leaves threads whose home was the dead domain"
        case .callSkipsLiveCheck: "call enters a domain without checking it is live"
        case .freePageTwice: "freeing a page does not check that it is the domain's"
        case .allocForgetsCount: "alloc does not count the new object against its domain"
        case .wakeSkipsRunQueue: "wake marks the thread ready but does not queue it"
        case .exitLeavesThreadQueued: "exit leaves the thread in the run queue"
        case .spawnOnDeadDomain: "spawn accepts a home domain that is not live"
        case .yieldLosesThread: "yield makes the thread ready without queueing it"
        }
    }
}
