internal import CLeafGate

/// Threads and the run queue. The kernel keeps one running thread per CPU (one CPU for now);
/// ready threads wait in FIFO order. Switching stacks is the platform's business: these
/// transitions keep the bookkeeping that the specification describes.
extension Kernel {
    public static func state(of thread: ThreadID) -> ThreadState {
        let k = kernelState
        guard Int(thread.raw) < k.pointee.configuration.threadCapacity else { return .unused }
        return k.pointee.threads[Int(thread.raw)].state
    }

    public static func home(of thread: ThreadID) -> DomainID { kernelState.pointee.threads[Int(thread.raw)].home }

    /// Frames on the thread's stack, innermost last.
    public static func frames(of thread: ThreadID) -> [Frame] {
        let k = kernelState
        return (0..<k.pointee.threads[Int(thread.raw)].depth).map { k.pointee.frame(thread.raw, $0).pointee }
    }

    /// A new ready thread whose code runs in `home`.
    public static func spawnThread(home: DomainID) throws(KernelError) -> ThreadID {
        try checkLive(home)
        try checkAuthority(over: home)
        let k = kernelState
        for t in 0..<k.pointee.configuration.threadCapacity {
            let state = k.pointee.threads[t].state
            if state == .unused || state == .exited {
                k.pointee.threads[t] = ThreadSlot(state: .ready, home: home)
                enqueue(UInt16(t))
                transitionDone()
                return ThreadID(UInt16(t))
            }
        }
        throw .tooManyThreads
    }

    /// The running thread gives the CPU to the next ready thread (and becomes ready itself).
    /// Returns the thread now running; the same one when no other is ready.
    @discardableResult
    public static func yield() -> ThreadID {
        let k = kernelState
        let current = k.pointee.currentThread
        guard k.pointee.runQueueHead != UInt16.max else { return ThreadID(current) }
        k.pointee.threads[Int(current)].state = .ready
        enqueue(current)
        dispatchNext()
        transitionDone()
        return ThreadID(k.pointee.currentThread)
    }

    /// The timer's preemption: the same transition as a yield, forced on the running thread.
    @discardableResult
    public static func preempt() -> ThreadID { yield() }

    /// The running thread blocks; the next ready thread runs. Refused when none is ready
    /// (the last runnable thread cannot block).
    public static func block() throws(KernelError) -> ThreadID {
        let k = kernelState
        guard k.pointee.runQueueHead != UInt16.max else { throw .threadNotInState(ThreadID(k.pointee.runQueueHead), .ready) }
        k.pointee.threads[Int(k.pointee.currentThread)].state = .blocked
        dispatchNext()
        transitionDone()
        return ThreadID(k.pointee.currentThread)
    }

    /// Makes a blocked thread ready.
    public static func wake(_ thread: ThreadID) throws(KernelError) {
        guard state(of: thread) == .blocked else { throw .threadNotInState(thread, .blocked) }
        try checkAuthority(overThread: thread)
        kernelState.pointee.threads[Int(thread.raw)].state = .ready
        enqueue(thread.raw)
        transitionDone()
    }

    /// Ends a thread that is not running (ready or blocked), releasing what its frames lent.
    public static func exit(_ thread: ThreadID) throws(KernelError) {
        let s = state(of: thread)
        guard s == .ready || s == .blocked else { throw .threadNotInState(thread, .ready) }
        try checkAuthority(overThread: thread)
        exitThread(thread.raw)
        transitionDone()
    }

    static func exitThread(_ t: UInt16) {
        let k = kernelState
        popFrames(thread: t, downTo: 0)
        k.pointee.threads[Int(t)].pendingUnwind = -1
        if k.pointee.threads[Int(t)].state == .ready { removeFromRunQueue(t) }
        k.pointee.threads[Int(t)].state = .exited
    }

    /// Makes the running thread's saved continuation innermost on this host thread. A platform
    /// whose kernel threads are host threads taking turns calls it on each one as it gets the
    /// CPU back: the switch set the continuation on the host thread that gave the CPU away.
    public static func adoptInnermostOfRunningThread() {
        let k = kernelState
        leaf_set_innermost(k.pointee.threads[Int(k.pointee.currentThread)].innermost)
    }

    /// The run queue, front first. The walk stops one entry past the thread table's size: a
    /// queue that long has a cycle (a thread queued twice), and the callers (the abstraction,
    /// the monitor) report a queue longer than the table instead of walking it for ever.
    public static var runQueue: [ThreadID] {
        let k = kernelState
        let limit = k.pointee.configuration.threadCapacity
        var result: [ThreadID] = []
        var t = k.pointee.runQueueHead
        while t != UInt16.max && result.count <= limit { result.append(ThreadID(t)); t = k.pointee.threads[Int(t)].nextReady }
        return result
    }

    /// Only the thread's home domain, the kernel and the home's creator may wake or end it.
    static func checkAuthority(overThread thread: ThreadID) throws(KernelError) {
        let home = kernelState.pointee.threads[Int(thread.raw)].home
        if home == kernelState.pointee.currentDomain { return }
        try checkAuthority(over: home)
    }

    static func checkLive(_ domain: DomainID) throws(KernelError) {
        if domain == .kernel { return }
        try checkLiveUserDomain(domain)
    }

    private static func enqueue(_ t: UInt16) {
        let k = kernelState
        k.pointee.threads[Int(t)].nextReady = UInt16.max
        if k.pointee.runQueueTail == UInt16.max {
            k.pointee.runQueueHead = t
        } else {
            k.pointee.threads[Int(k.pointee.runQueueTail)].nextReady = t
        }
        k.pointee.runQueueTail = t
    }

    private static func removeFromRunQueue(_ t: UInt16) {
        let k = kernelState
        var previous = UInt16.max
        var cursor = k.pointee.runQueueHead
        // Bounded as `runQueue` is: a queue with a cycle is reported there, not walked for ever here.
        var steps = 0
        while cursor != UInt16.max && cursor != t && steps < k.pointee.configuration.threadCapacity {
            previous = cursor
            cursor = k.pointee.threads[Int(cursor)].nextReady
            steps += 1
        }
        guard cursor == t else { return }
        let next = k.pointee.threads[Int(t)].nextReady
        if previous == UInt16.max { k.pointee.runQueueHead = next } else { k.pointee.threads[Int(previous)].nextReady = next }
        if k.pointee.runQueueTail == t { k.pointee.runQueueTail = previous }
    }

    private static func dispatchNext() {
        let k = kernelState
        let next = k.pointee.runQueueHead
        removeFromRunQueue(next)
        k.pointee.threads[Int(k.pointee.currentThread)].innermost = leaf_get_innermost()
        leaf_set_innermost(k.pointee.threads[Int(next)].innermost)
        k.pointee.threads[Int(next)].state = .running
        k.pointee.currentThread = next
        let depth = k.pointee.threads[Int(next)].depth
        k.pointee.currentDomain = depth > 0 ? k.pointee.frame(next, depth - 1).pointee.callee : k.pointee.threads[Int(next)].home
    }
}
