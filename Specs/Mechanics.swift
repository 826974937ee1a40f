/// The steps that several transitions share: reclaiming objects, popping frames, the run queue.
extension SpecState {
    /// Frees every object for which `dies` holds. A frame that lends a dying object stops
    /// lending it (LeafCore: the object's generation changes, so the frame's ID goes stale).
    func reclaiming(_ dies: [L.Truth], mutant: Mutant = .none) -> SpecState {
        var s = self
        let o = bounds.objects
        for d in 0..<bounds.domains {
            let lost = l.count((0..<o).map { l.and(dies[$0], owns(c(d), $0)) })
            s.objectsOwned[d] = counted(l.minus(objectsOwned[d], lost), within: o, when: l.truth(true))
        }
        for i in 0..<o {
            s.objectStatus[i] = l.choose(dies[i], c(ObjectStatus.free.rawValue), objectStatus[i])
            s.owner[i] = l.choose(dies[i], c(Encoding.none), owner[i])
            s.parent[i] = l.choose(dies[i], c(Encoding.none), parent[i])
            s.borrows[i] = l.choose(dies[i], c(0), borrows[i])
            if mutant != .dropKeepsContainerFlag { s.isContainer[i] = l.and(l.not(dies[i]), isContainer[i]) }
        }
        for k in lent.indices {
            s.lent[k] = l.choose(select(dies, lent[k]), c(Encoding.none), lent[k])
        }
        return s
    }

    /// Pops every frame at or above `newDepth[t]` on each thread t, releasing what they lent.
    /// `popping`, when given, says the same per frame (frame row order); passing it spares the
    /// prover from recovering it from the depths.
    func unwinding(to newDepth: [L.Value], popping: [L.Truth]? = nil, mutant: Mutant = .none) -> SpecState {
        var s = self
        var popped: [L.Truth] = []
        for t in 0..<bounds.threads {
            for f in 0..<bounds.frames {
                popped.append(popping?[frame(t, f)] ?? l.and(isOnStack(t, f), l.atMost(newDepth[t], c(f))))
            }
        }
        if mutant != .returnLeavesBorrowCounted {
            for o in 0..<bounds.objects {
                let released = l.count(lent.indices.map { l.and(popped[$0], l.equal(lent[$0], o)) })
                s.borrows[o] = counted(l.minus(borrows[o], released), within: bounds.threads * bounds.frames, when: l.truth(true))
            }
        }
        for k in popped.indices {
            if mutant != .returnLeavesCallerSlot { s.caller[k] = l.choose(popped[k], c(Encoding.none), caller[k]) }
            s.callee[k] = l.choose(popped[k], c(Encoding.none), callee[k])
            s.lent[k] = l.choose(popped[k], c(Encoding.none), lent[k])
        }
        s.depth = newDepth
        return s
    }

    /// The depth thread t keeps when it unwinds its first `top` frames past calls into domains
    /// that are not live (nor `dying`): one above the highest of them whose callee is live, or
    /// 0. A call that returns into a dead caller (or crashes) resumes the call below it instead,
    /// with domainCrashed, and so on down to a live caller.
    func liveDepth(_ t: Int, below top: L.Value, dying: L.Value? = nil) -> L.Value {
        var n = c(0)
        for f in 0..<bounds.frames {
            let k = frame(t, f)
            var live = [l.less(c(f), top), isLive(callee[k])]
            if let dying { live.append(l.differ(callee[k], dying)) }
            n = l.choose(l.all(live), c(f + 1), n)
        }
        return n
    }

    /// The caller of thread t's frame at `depth` (the domain a thread resumes in when it
    /// unwinds to that depth).
    func caller(_ t: Int, at depth: L.Value) -> L.Value {
        select(Array(caller[frame(t, 0)..<frame(t, bounds.frames)]), depth)
    }

    /// Appends thread `t` to the run queue when `when` holds.
    func enqueuing(_ t: L.Value, when: L.Truth) -> SpecState {
        var s = self
        s.runQueue = runQueue.indices.map { i in
            l.choose(l.and(when, l.equal(runQueueLength, i)), t, runQueue[i])
        }
        s.runQueueLength = l.choose(when, counted(l.plus(runQueueLength, 1), within: bounds.threads, when: when), runQueueLength)
        return s
    }

    /// Removes thread `t` from the run queue when `when` holds and it is queued; the threads
    /// behind it move up one place.
    func dequeuing(_ t: L.Value, when: L.Truth) -> SpecState {
        var s = self
        var found: [L.Truth] = []
        var seen = l.truth(false)
        for i in runQueue.indices {
            seen = l.or(seen, l.all([when, l.less(c(i), runQueueLength), l.equal(runQueue[i], t)]))
            found.append(seen)
        }
        s.runQueue = runQueue.indices.map { i in
            l.choose(found[i], i + 1 < runQueue.count ? runQueue[i + 1] : c(Encoding.none), runQueue[i])
        }
        let removed = found[runQueue.count - 1]
        s.runQueueLength = l.choose(removed, counted(l.minus(runQueueLength, 1), within: bounds.threads, when: removed), runQueueLength)
        return s
    }

    /// The thread at the front of the run queue becomes the running one.
    func dispatchingNext(mutant: Mutant = .none) -> SpecState {
        let next = runQueue[0]
        var s = dequeuing(next, when: l.truth(true))
        s.threadStatus = store(s.threadStatus, next, c(ThreadStatus.running.rawValue))
        s.currentThread = next
        if mutant != .blockKeepsDomain { s.currentDomain = select((0..<bounds.threads).map { runningDomain(of: $0) }, next) }
        return s
    }

    /// Ends every thread for which `ends` holds: pops its frames, takes it off the run queue.
    func exiting(_ ends: [L.Truth], mutant: Mutant = .none) -> SpecState {
        let unwound = mutant == .exitKeepsFrames ? self : unwinding(to: (0..<bounds.threads).map { l.choose(ends[$0], c(0), depth[$0]) })
        return unwound.retiring(ends, mutant: mutant)
    }

    /// Marks the threads for which `ends` holds exited and takes them off the run queue (their
    /// frames are already popped).
    func retiring(_ ends: [L.Truth], mutant: Mutant = .none) -> SpecState {
        var s = self
        for t in 0..<bounds.threads {
            if mutant != .exitLeavesThreadQueued { s = s.dequeuing(c(t), when: ends[t]) }
            s.threadStatus[t] = l.choose(ends[t], c(ThreadStatus.exited.rawValue), s.threadStatus[t])
        }
        return s
    }

    /// Teardown proper, one step with no assumptions: the domain goes to `status`, every object
    /// it owns and everything nested in its containers is freed, and so is every page it holds.
    func reclaimingDomain(_ d: L.Value, becoming status: DomainStatus, mutant: Mutant) -> SpecState {
        let dies = (0..<bounds.objects).map { i in
            mutant == .teardownForgetsContainerElements ? owns(d, i) : ownsRootOf(d, i)
        }
        var s = reclaiming(dies)
        s.domainStatus = store(domainStatus, d, c(status.rawValue))
        if mutant != .teardownKeepsPages {
            let freed = pageOwner.map { l.equal($0, d) }
            s.pageOwner = pageOwner.indices.map { l.choose(freed[$0], c(Encoding.none), pageOwner[$0]) }
            s.pagesOwned = adjustDown(pagesOwned, d, by: l.count(freed), within: bounds.pages)
        }
        return s
    }
}
