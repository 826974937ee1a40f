/// Domains and the call gate: create, call (push a frame, lending or moving an argument),
/// return (pop, moving a result back), crash (unwind every thread out of the domain, then
/// teardown), requested teardown, restart.
extension SpecState {
    func createDomain(_ d: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.all([l.inRange(d, bounds.domains), l.differ(d, 0), l.equal(select(domainStatus, d), DomainStatus.unused.rawValue)])
        var s = self
        s.domainStatus = store(domainStatus, d, c(DomainStatus.live.rawValue))
        s.creator = store(creator, d, currentDomain)
        return Step(allowed: allowed, after: s)
    }

    /// Whether the current thread may call into `callee` (LeafCore's `CallGate.enter`): a live
    /// domain other than the kernel (which exports nothing and must never crash) and other than
    /// the thread's home (were it to crash, the thread would have nothing to return to).
    func mayCall(_ callee: L.Value, mutant: Mutant) -> L.Truth {
        let room = l.less(select(depth, currentThread), c(bounds.frames))
        if mutant == .callSkipsLiveCheck { return l.and(room, l.inRange(callee, bounds.domains)) }
        return l.all([room, isLive(callee), l.differ(callee, 0), l.not(l.equal(callee, select(home, currentThread)))])
    }

    /// Pushes a frame from the current domain to `callee` lending `lending` (or `none`), and
    /// switches to the callee.
    func pushingFrame(to callee: L.Value, lending: L.Value) -> SpecState {
        var s = self
        for t in 0..<bounds.threads {
            for f in 0..<bounds.frames {
                let here = l.and(isCurrent(t), l.equal(depth[t], f))
                let k = frame(t, f)
                s.caller[k] = l.choose(here, currentDomain, caller[k])
                s.callee[k] = l.choose(here, callee, self.callee[k])
                s.lent[k] = l.choose(here, lending, lent[k])
            }
        }
        s.depth = adjust(depth, currentThread, by: 1)
        s.currentDomain = callee
        return s
    }

    func call(_ callee: L.Value, mutant: Mutant) -> Step<L> {
        Step(allowed: mayCall(callee, mutant: mutant), after: pushingFrame(to: callee, lending: c(Encoding.none)))
    }

    /// A call with a `borrowing` argument: the callee may read `o` until the call returns.
    func callLending(_ callee: L.Value, object o: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.and(mayCall(callee, mutant: mutant), isReadable(o))
        var s = pushingFrame(to: callee, lending: o)
        s.borrows = adjust(borrows, o, by: 1)
        return Step(allowed: allowed, after: s)
    }

    /// A call with a `consuming` argument: `o` becomes the callee's.
    func callMoving(_ callee: L.Value, object o: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.all([mayCall(callee, mutant: mutant), owns(currentDomain, o), l.not(isPinned(o))])
        return Step(allowed: allowed, after: transferring(o, to: callee).pushingFrame(to: callee, lending: c(Encoding.none)))
    }

    /// The callee returns: its frame is popped, what it lent is released, the caller resumes.
    func ret(mutant: Mutant) -> Step<L> {
        let allowed = l.less(c(0), select(depth, currentThread))
        return Step(allowed: allowed, after: popping(mutant: mutant))
    }

    func popping(mutant: Mutant) -> SpecState {
        let top = l.minus(select(depth, currentThread), 1)
        let returnTo = select((0..<bounds.threads).map { t in select(Array(caller[frame(t, 0)..<frame(t, bounds.frames)]), top) }, currentThread)
        var s = unwinding(to: adjust(depth, currentThread, by: -1), mutant: mutant)
        s.currentDomain = returnTo
        return s
    }

    /// The callee returns `o` as a `consuming` result: after the pop it moves to the caller if
    /// the callee owns it and nothing lends it; otherwise the caller gets an error and `o` stays.
    func retMoving(object o: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.and(l.less(c(0), select(depth, currentThread)), l.inRange(o, bounds.objects))
        let from = currentDomain
        let popped = popping(mutant: mutant)
        let movable = l.and(popped.owns(from, o), l.not(popped.isPinned(o)))
        let moved = popped.transferring(o, to: popped.currentDomain)
        return Step(allowed: allowed, after: popped.choosing(movable, moved))
    }

    /// The current domain `d` traps. The faulting thread unwinds to (and including) its
    /// outermost call into `d` and resumes its caller; every other thread inside `d` unwinds the
    /// same way; threads whose home was `d` exit; then `d` is torn down.
    func crash(_ d: L.Value, mutant: Mutant) -> Step<L> {
        let me = currentThread
        let allowed = l.all([
            l.differ(d, 0), isLive(d), l.equal(currentDomain, d),
            l.less(c(0), select(depth, me)),
            // A thread cannot outlive its home domain while running (see the report: LeafCore
            // would keep running it in the dead domain).
            l.differ(select(home, me), d),
        ])
        // Per thread: the depth of its outermost frame calling into d (its depth if none), and
        // which frames go: that one and all above it.
        var outermost: [L.Value] = []
        var above: [L.Truth] = []
        for t in 0..<bounds.threads {
            var to = depth[t]
            var seen = l.truth(false)
            for f in (0..<bounds.frames).reversed() {
                to = l.choose(l.and(isOnStack(t, f), l.equal(callee[frame(t, f)], d)), c(f), to)
            }
            for f in 0..<bounds.frames {
                seen = l.or(seen, l.and(isOnStack(t, f), l.equal(callee[frame(t, f)], d)))
                above.append(l.and(isOnStack(t, f), seen))
            }
            if mutant == .crashKeepsDeadDomainOnStacks {
                to = l.choose(isCurrent(t), to, depth[t])
                for f in 0..<bounds.frames { above[frame(t, f)] = l.and(isCurrent(t), above[frame(t, f)]) }
            }
            outermost.append(to)
        }
        let target = select(outermost, me)
        let resumeIn = select((0..<bounds.threads).map { t in select(Array(caller[frame(t, 0)..<frame(t, bounds.frames)]), target) }, me)
        let homeless = (0..<bounds.threads).map { t in
            mutant == .crashSparesHomeThreads ? l.truth(false)
                : l.all([l.not(isCurrent(t)), l.or(threadIs(t, .ready), threadIs(t, .blocked)), l.equal(home[t], d)])
        }
        // One unwinding: threads living in d lose all their frames, the others those from
        // their outermost call into d up.
        let popped = (0..<bounds.threads).flatMap { t in
            (0..<bounds.frames).map { f in l.or(above[frame(t, f)], l.and(homeless[t], isOnStack(t, f))) }
        }
        var s = unwinding(to: (0..<bounds.threads).map { l.choose(homeless[$0], c(0), outermost[$0]) }, popping: popped)
            .retiring(homeless)
        s.currentDomain = resumeIn
        return Step(allowed: allowed, after: s.reclaimingDomain(d, becoming: .crashed, mutant: mutant))
    }

    /// Teardown on request, by the kernel or the domain's creator: allowed when no frame calls
    /// into or out of the domain and no thread lives in it (LeafCore's `hasFrames`), so no
    /// thread is affected.
    func tearDown(_ d: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.all([l.differ(d, 0), isLive(d), hasAuthority(over: d), l.not(hasFrames(d)), l.not(hasThreadsLivingIn(d))])
        return Step(allowed: allowed, after: reclaimingDomain(d, becoming: .stopped, mutant: mutant))
    }

    /// A crashed or stopped domain comes back live (with nothing: teardown took it all), at the
    /// request of the kernel or its creator.
    func restart(_ d: L.Value, mutant: Mutant) -> Step<L> {
        let status = select(domainStatus, d)
        let allowed = l.all([
            l.inRange(d, bounds.domains), l.differ(d, 0), hasAuthority(over: d),
            l.or(l.equal(status, DomainStatus.crashed.rawValue), l.equal(status, DomainStatus.stopped.rawValue)),
        ])
        var s = self
        s.domainStatus = store(domainStatus, d, c(DomainStatus.live.rawValue))
        return Step(allowed: allowed, after: s)
    }
}
