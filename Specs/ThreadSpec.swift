/// Threads and the scheduler: spawn, exit, block, wake, yield and the timer's preempt.
/// One CPU: one running thread, the current one; ready threads wait in FIFO order.
extension SpecState {
    /// Thread slot `t` (unused or exited) starts, ready, in live domain `h`.
    func spawn(_ t: L.Value, home h: L.Value, mutant: Mutant) -> Step<L> {
        let status = select(threadStatus, t)
        let vacant = l.or(l.equal(status, ThreadStatus.unused.rawValue), l.equal(status, ThreadStatus.exited.rawValue))
        var allowed = l.and(isRow(t, .threads), mutant == .spawnOverActiveThread ? l.differ(t, currentThread) : vacant)
        allowed = l.and(allowed, mutant == .spawnOnDeadDomain ? isRow(h, .domains) : isLive(h))
        if mutant != .spawnSkipsAuthority { allowed = l.and(allowed, hasAuthority(over: h)) }
        var s = self
        s.threadStatus = store(threadStatus, t, c(ThreadStatus.ready.rawValue))
        s.home = store(home, t, h)
        return Step(allowed: allowed, after: s.enqueuing(t, when: l.truth(true)))
    }

    /// A thread that is not running (ready or blocked) ends; its frames release what they lent.
    func exit(_ t: L.Value, mutant: Mutant) -> Step<L> {
        var waiting = l.or(threadIs(t, .ready), threadIs(t, .blocked))
        if mutant == .exitOfRunningThread { waiting = l.or(waiting, threadIs(t, .running)) }
        let allowed = l.and(waiting, mutant == .exitSkipsAuthority ? l.truth(true) : hasAuthority(overThread: t))
        return Step(allowed: allowed, after: exiting(t, mutant: mutant))
    }

    /// The running thread blocks and the next ready one runs (the last runnable thread cannot).
    func block(mutant: Mutant) -> Step<L> {
        var s = self
        if mutant != .blockLeavesRunning { s.threadStatus = store(threadStatus, currentThread, c(ThreadStatus.blocked.rawValue)) }
        return Step(allowed: l.less(c(0), runQueueLength), after: s.dispatchingNext(mutant: mutant))
    }

    func wake(_ t: L.Value, mutant: Mutant) -> Step<L> {
        var s = self
        s.threadStatus = store(threadStatus, t, c(ThreadStatus.ready.rawValue))
        if mutant != .wakeSkipsRunQueue { s = s.enqueuing(t, when: l.truth(true)) }
        let asleep = mutant == .wakeOfReadyThread ? l.or(threadIs(t, .blocked), threadIs(t, .ready)) : threadIs(t, .blocked)
        return Step(allowed: l.and(asleep, mutant == .wakeSkipsAuthority ? l.truth(true) : hasAuthority(overThread: t)), after: s)
    }

    /// The running thread goes to the back of the run queue and the front one runs.
    func yield(mutant: Mutant) -> Step<L> {
        var s = self
        if mutant != .yieldKeepsRunning { s.threadStatus = store(threadStatus, currentThread, c(ThreadStatus.ready.rawValue)) }
        if mutant != .yieldLosesThread && mutant != .preemptLosesThread { s = s.enqueuing(currentThread, when: l.truth(true)) }
        return Step(allowed: l.less(c(0), runQueueLength), after: mutant == .preemptKeepsCurrent ? s : s.dispatchingNext())
    }

    /// The timer forces a yield on the running thread.
    func preempt(mutant: Mutant) -> Step<L> { yield(mutant: mutant) }
}
