/// Deliberate bugs that `verify --mutants` plants in the transitions, one at a time, to show
/// that the invariants and transition properties catch them. `.none` is the specification
/// itself; the kernel's monitor and the refinement tests always run `.none`. The hooks sit in
/// the spec's own code, at the line each bug would change, so there is still only one copy of
/// every transition.
public enum Mutant: Int, CaseIterable, Sendable {
    case none
    // The heap.
    case allocForgetsCount, allocOwnedByKernel, allocIgnoresFreeCheck
    case dropForgetsContainerElements, dropIgnoresPin, dropKeepsContainerFlag
    case moveSkipsOwnerUpdate, moveIgnoresPin, moveToDeadDomain
    case putAcceptsContainer, putKeepsOwner, putIgnoresPin
    case takeKeepsParent, takeIgnoresPin, takeForgetsCount
    // Domains and the call gate.
    case createForgetsCreator, createOverLiveDomain
    case callSkipsLiveCheck, callKeepsDomain, callRecordsCalleeAsCaller
    case lendForgetsBorrow, lendWithoutReadAccess, lendCountsTwice, lendHeldElement
    case callMoveGivesToHome, callMoveIgnoresPin
    case returnLeavesBorrowCounted, returnIntoDeadCaller, returnLeavesCallerSlot
    case returnMoveIgnoresPin, returnMoveKeepsOwner, returnMoveAtDepthZero, returnMoveChecksWrongCaller
    case crashKeepsDeadDomainOnStacks, crashSparesHomeThreads, crashOfKernel
    case teardownForgetsContainerElements, teardownKeepsPages, teardownSkipsAuthority, teardownOfKernel,
         teardownWithThreadsLivingIn
    case restartSkipsAuthority, restartGivesDomainToActor
    // Threads.
    case spawnOnDeadDomain, spawnSkipsAuthority, spawnOverActiveThread
    case exitLeavesThreadQueued, exitSkipsAuthority, exitKeepsFrames, exitOfRunningThread
    case blockLeavesRunning, blockKeepsDomain
    case wakeSkipsRunQueue, wakeSkipsAuthority, wakeOfReadyThread
    case yieldLosesThread, yieldKeepsRunning
    case preemptLosesThread, preemptKeepsCurrent
    // Pages.
    case pageAllocForgetsCount, pageAllocTakesUsedPage
    case freePageTwice, freePageForgetsCount

    /// The transition the bug is planted in, its name and what it does.
    private var info: (Transition, String, String) {
        switch self {
        case .none: (.alloc, "none", "the specification as written")
        case .allocForgetsCount: (.alloc, "alloc-forgets-count", "alloc does not count the new object against its domain")
        case .allocOwnedByKernel: (.alloc, "alloc-owned-by-kernel", "alloc gives the new object to the kernel but counts it against its domain")
        case .allocIgnoresFreeCheck: (.alloc, "alloc-ignores-free-check", "alloc reuses a slot that holds a live object")
        case .dropForgetsContainerElements: (.drop, "drop-forgets-container-elements", "drop frees the container but not what it holds")
        case .dropIgnoresPin: (.drop, "drop-ignores-pin", "drop frees an object a callee is borrowing")
        case .dropKeepsContainerFlag: (.drop, "drop-keeps-container-flag", "a dropped container's slot still says container")
        case .moveSkipsOwnerUpdate: (.move, "move-skips-owner-update", "move adjusts the counts but never rewrites the owner")
        case .moveIgnoresPin: (.move, "move-ignores-pin", "move hands away an object a callee is borrowing")
        case .moveToDeadDomain: (.move, "move-to-dead-domain", "move does not check that the receiver is live")
        case .putAcceptsContainer: (.put, "put-accepts-container", "put accepts a container as an element (so one can be put into itself)")
        case .putKeepsOwner: (.put, "put-keeps-owner", "put leaves the element's owner set")
        case .putIgnoresPin: (.put, "put-ignores-pin", "put nests a borrowed object in a container")
        case .takeKeepsParent: (.take, "take-keeps-parent", "take leaves the element's parent set")
        case .takeIgnoresPin: (.take, "take-ignores-pin", "take removes an element from a container a callee is borrowing")
        case .takeForgetsCount: (.take, "take-forgets-count", "take does not count the element against the domain")
        case .createForgetsCreator: (.createDomain, "create-forgets-creator", "create does not record who created the domain")
        case .createOverLiveDomain: (.createDomain, "create-over-live-domain", "create takes over a domain that is already live")
        case .callSkipsLiveCheck: (.call, "call-skips-live-check", "call enters a domain without checking it is live")
        case .callKeepsDomain: (.call, "call-keeps-domain", "call pushes the frame but goes on running in the caller")
        case .callRecordsCalleeAsCaller: (.call, "call-records-callee-as-caller", "the new frame names the callee as its caller")
        case .lendForgetsBorrow: (.callLending, "lend-forgets-borrow", "a lending call does not count the borrow")
        case .lendWithoutReadAccess: (.callLending, "lend-without-read-access", "a call lends an object its caller may not read")
        case .lendCountsTwice: (.callLending, "lend-counts-twice", "a lending call counts two borrows")
        case .lendHeldElement: (.callLending, "lend-held-element", "a call lends an element held in a container on its own")
        case .callMoveGivesToHome: (.callMoving, "call-move-gives-to-home", "a moving call gives the argument to the thread's home, not the callee")
        case .callMoveIgnoresPin: (.callMoving, "call-move-ignores-pin", "a moving call moves an object a callee is borrowing")
        case .returnLeavesBorrowCounted: (.ret, "return-leaves-borrow-counted", "return pops the frame without releasing what it lent")
        case .returnIntoDeadCaller: (.ret, "return-into-dead-caller", "return resumes a caller that crashed during the call")
        case .returnLeavesCallerSlot: (.ret, "return-leaves-caller-slot", "return pops the frame but leaves its caller recorded")
        case .returnMoveIgnoresPin: (.retMoving, "return-move-ignores-pin", "a result moves back although a callee further up still borrows it")
        case .returnMoveKeepsOwner: (.retMoving, "return-move-keeps-owner", "a result's counts move back but its owner stays the callee")
        case .returnMoveAtDepthZero: (.retMoving, "return-move-at-depth-zero", "a thread with no frame returns a result")
        case .returnMoveChecksWrongCaller: (.retMoving, "return-move-checks-wrong-caller", "return-move asks whether the caller one frame too deep is live")
        case .crashKeepsDeadDomainOnStacks: (.crash, "crash-keeps-dead-domain-on-stacks", "crash unwinds only the faulting thread")
        case .crashSparesHomeThreads: (.crash, "crash-spares-home-threads", "crash leaves threads whose home was the dead domain")
        case .crashOfKernel: (.crash, "crash-of-kernel", "the kernel domain can crash")
        case .teardownForgetsContainerElements: (.tearDown, "teardown-forgets-container-elements", "teardown reclaims what the domain owns outright, not its containers' elements")
        case .teardownKeepsPages: (.tearDown, "teardown-keeps-pages", "teardown leaves the domain's pages allocated")
        case .teardownSkipsAuthority: (.tearDown, "teardown-skips-authority", "any domain may tear down any other")
        case .teardownOfKernel: (.tearDown, "teardown-of-kernel", "the kernel domain can be torn down")
        case .teardownWithThreadsLivingIn: (.tearDown, "teardown-with-threads-living-in", "teardown proceeds while threads live in the domain")
        case .restartSkipsAuthority: (.restart, "restart-skips-authority", "any domain may restart any other")
        case .restartGivesDomainToActor: (.restart, "restart-gives-domain-to-actor", "restart makes the restarting domain the creator")
        case .spawnOnDeadDomain: (.spawn, "spawn-on-dead-domain", "spawn accepts a home domain that is not live")
        case .spawnSkipsAuthority: (.spawn, "spawn-skips-authority", "any domain may start threads in any other")
        case .spawnOverActiveThread: (.spawn, "spawn-over-active-thread", "spawn reuses the slot of a thread that has not exited")
        case .exitLeavesThreadQueued: (.exit, "exit-leaves-thread-queued", "exit leaves the thread in the run queue")
        case .exitSkipsAuthority: (.exit, "exit-skips-authority", "any domain may end any thread")
        case .exitKeepsFrames: (.exit, "exit-keeps-frames", "an exited thread keeps its frames")
        case .exitOfRunningThread: (.exit, "exit-of-running-thread", "exit ends the running thread and leaves no thread running")
        case .blockLeavesRunning: (.block, "block-leaves-running", "block switches threads but leaves the old one marked running")
        case .blockKeepsDomain: (.block, "block-keeps-domain", "block switches threads but not the current domain")
        case .wakeSkipsRunQueue: (.wake, "wake-skips-run-queue", "wake marks the thread ready but does not queue it")
        case .wakeSkipsAuthority: (.wake, "wake-skips-authority", "any domain may wake any thread")
        case .wakeOfReadyThread: (.wake, "wake-of-ready-thread", "wake queues a thread that is already ready")
        case .yieldLosesThread: (.yield, "yield-loses-thread", "yield makes the thread ready without queueing it")
        case .yieldKeepsRunning: (.yield, "yield-keeps-running", "yield queues the thread but leaves it marked running")
        case .preemptLosesThread: (.preempt, "preempt-loses-thread", "the timer makes the thread ready without queueing it")
        case .preemptKeepsCurrent: (.preempt, "preempt-keeps-current", "the timer queues the running thread and goes on running it")
        case .pageAllocForgetsCount: (.allocPage, "page-alloc-forgets-count", "a page is taken without counting it")
        case .pageAllocTakesUsedPage: (.allocPage, "page-alloc-takes-used-page", "a page is taken from another domain")
        case .freePageTwice: (.freePage, "free-page-twice", "freeing a page does not check that it is the domain's")
        case .freePageForgetsCount: (.freePage, "free-page-forgets-count", "a page is freed without uncounting it")
        }
    }

    /// The transition the bug is planted in.
    public var transition: Transition { info.0 }
    public var name: String { info.1 }
    public var summary: String { info.2 }
}
