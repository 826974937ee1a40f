/// The steps that several transitions share: reclaiming objects, popping frames, the run queue.
extension SpecState {
    /// Frees every object for which `dies` holds. A frame that lends a dying object stops
    /// lending it (LeafCore: the object's generation changes, so the frame's ID goes stale).
    func reclaiming(_ dies: L.Flags, mutant: Mutant = .none) -> SpecState {
        var s = self
        func dying(_ o: L.Value) -> L.Truth { select(dies, o) }
        s.objectsOwned = tabulate(.domains) { d in
            let lost = count(.objects) { o in l.and(dying(o), owns(d, o)) }
            return counted(l.minus(select(objectsOwned, d), lost), within: .objects, when: l.truth(true))
        }
        s.objectStatus = tabulate(.objects) { o in l.choose(dying(o), c(ObjectStatus.free.rawValue), select(objectStatus, o)) }
        s.owner = tabulate(.objects) { o in l.choose(dying(o), c(Encoding.none), select(owner, o)) }
        s.parent = tabulate(.objects) { o in l.choose(dying(o), c(Encoding.none), select(parent, o)) }
        s.borrows = tabulate(.objects) { o in l.choose(dying(o), c(0), select(borrows, o)) }
        if mutant != .dropKeepsContainerFlag { s.isContainer = flags(.objects) { o in l.and(l.not(dying(o)), select(isContainer, o)) } }
        s.lent = tabulateFrames { t, f in
            let o = cell(lent, t, f)
            return l.choose(dying(o), c(Encoding.none), o)
        }
        return s
    }

    /// Pops every frame at or above `newDepth[t]` on each thread t, releasing what they lent.
    /// `popping`, when given, says the same per frame (frame row order); passing it spares the
    /// prover from recovering it from the depths.
    func unwinding(to newDepth: L.Table, popping: L.Flags? = nil, mutant: Mutant = .none) -> SpecState {
        var s = self
        let popped = popping ?? frameFlags { t, f in l.and(isOnStack(t, f), l.atMost(select(newDepth, t), f)) }
        func pops(_ t: L.Value, _ f: L.Value) -> L.Truth { cell(popped, t, f) }
        if mutant != .returnLeavesBorrowCounted {
            s.borrows = tabulate(.objects) { o in
                let released = countFrames { t, f in l.and(pops(t, f), l.equal(cell(lent, t, f), o)) }
                return counted(l.minus(select(borrows, o), released), within: .frameSlots, when: l.truth(true))
            }
        }
        func cleared(_ table: L.Table) -> L.Table { tabulateFrames { t, f in l.choose(pops(t, f), c(Encoding.none), cell(table, t, f)) } }
        if mutant != .returnLeavesCallerSlot { s.caller = cleared(caller) }
        s.callee = cleared(callee)
        s.lent = cleared(lent)
        s.depth = newDepth
        return s
    }

    /// The depth thread t keeps when it unwinds its first `top` frames past calls into domains
    /// that are not live (nor `dying`): one above the highest of them whose callee is live, or
    /// 0. A call that returns into a dead caller (or crashes) resumes the call below it instead,
    /// with domainCrashed, and so on down to a live caller.
    func liveDepth(_ t: L.Value, below top: L.Value, dying: L.Value? = nil) -> L.Value {
        oneAboveHighest(.frames) { f in
            let d = cell(callee, t, f)
            var live = [l.less(f, top), isLive(d)]
            if let dying { live.append(l.differ(d, dying)) }
            return l.all(live)
        }
    }

    /// The caller of thread t's frame at `depth` (the domain a thread resumes in when it
    /// unwinds to that depth).
    func caller(_ t: L.Value, at depth: L.Value) -> L.Value { cell(caller, t, depth) }

    /// The domain the current thread resumes in once each thread t is unwound to `newDepth[t]`.
    func resumingDomain(_ newDepth: L.Table) -> L.Value {
        select(tabulate(.threads) { t in caller(t, at: select(newDepth, t)) }, currentThread)
    }

    /// Appends thread `t` to the run queue when `when` holds.
    func enqueuing(_ t: L.Value, when: L.Truth) -> SpecState {
        var s = self
        s.runQueue = tabulate(.threads) { i in
            l.choose(l.and(when, l.equal(runQueueLength, i)), t, select(runQueue, i))
        }
        s.queueSlot = tabulate(.threads) { u in l.choose(l.and(when, l.equal(u, t)), runQueueLength, select(queueSlot, u)) }
        s.runQueueLength = l.choose(when, counted(l.plus(runQueueLength, 1), within: .threads, when: when), runQueueLength)
        return s
    }

    /// Removes thread `t` from the run queue when `when` holds and it is queued (at the slot
    /// its ghost names); the threads behind it move up one place.
    func dequeuing(_ t: L.Value, when: L.Truth) -> SpecState {
        var s = self
        let at = select(queueSlot, t)
        let removed = l.and(when, l.atMost(c(0), at))
        /// `t` is removed from slot i or from one before it.
        func found(_ i: L.Value) -> L.Truth { l.and(removed, l.atMost(at, i)) }
        s.runQueue = tabulate(.threads) { i in l.choose(found(i), select(runQueue, l.plus(i, 1)), select(runQueue, i)) }
        s.queueSlot = tabulate(.threads) { u in
            let slot = select(queueSlot, u)
            return l.choose(l.and(removed, l.equal(u, t)), c(Encoding.none),
                            l.choose(l.and(removed, l.less(at, slot)), l.minus(slot, 1), slot))
        }
        s.runQueueLength = l.choose(removed, counted(l.minus(runQueueLength, 1), within: .threads, when: removed), runQueueLength)
        return s
    }

    /// The thread at the front of the run queue becomes the running one.
    func dispatchingNext(mutant: Mutant = .none) -> SpecState {
        let next = select(runQueue, c(0))
        var s = dequeuing(next, when: l.truth(true))
        s.threadStatus = store(s.threadStatus, next, c(ThreadStatus.running.rawValue))
        s.currentThread = next
        if mutant != .blockKeepsDomain { s.currentDomain = select(tabulate(.threads) { runningDomain(of: $0) }, next) }
        return s
    }

    /// Ends thread `t`: pops its frames, takes it off the run queue.
    func exiting(_ t: L.Value, mutant: Mutant = .none) -> SpecState {
        let unwound = mutant == .exitKeepsFrames ? self : unwinding(to: store(depth, t, c(0)))
        var s = unwound
        if mutant != .exitLeavesThreadQueued { s = s.dequeuing(t, when: l.truth(true)) }
        s.threadStatus = store(s.threadStatus, t, c(ThreadStatus.exited.rawValue))
        return s
    }

    /// Marks the threads for which `ends` holds exited and takes them off the run queue (their
    /// frames are already popped). Removing several threads at once closes up the queue behind
    /// each: done one thread after another.
    func retiring(_ ends: L.Flags) -> SpecState {
        var s = self
        if l.unrolls {
            for t in 0..<bounds.threads { s = s.dequeuing(c(t), when: select(ends, c(t))) }
        } else {
            s.runQueue = l.arbitrary(like: runQueue)
            s.queueSlot = l.arbitrary(like: queueSlot)
            s.runQueueLength = l.arbitrary()
        }
        s.threadStatus = tabulate(.threads) { t in l.choose(select(ends, t), c(ThreadStatus.exited.rawValue), select(s.threadStatus, t)) }
        return s
    }

    /// Teardown proper, one step with no assumptions: the domain goes to `status`, every object
    /// it owns and everything nested in its containers is freed, and so is every page it holds.
    func reclaimingDomain(_ d: L.Value, becoming status: DomainStatus, mutant: Mutant) -> SpecState {
        let dies = flags(.objects) { i in
            mutant == .teardownForgetsContainerElements ? owns(d, i) : ownsRootOf(d, i)
        }
        var s = reclaiming(dies)
        s.domainStatus = store(domainStatus, d, c(status.rawValue))
        if mutant != .teardownKeepsPages {
            let freed = flags(.pages) { p in l.equal(select(pageOwner, p), d) }
            s.pageOwner = tabulate(.pages) { p in l.choose(select(freed, p), c(Encoding.none), select(pageOwner, p)) }
            s.pagesOwned = adjustDown(pagesOwned, d, by: count(.pages) { p in select(freed, p) }, within: .pages)
        }
        return s
    }
}
