/// Domains and the call gate: create, call (push a frame, lending or moving an argument),
/// return (pop, moving a result back), crash (the call into the domain returns domainCrashed
/// to its caller; then teardown), requested teardown, restart.
///
/// A domain that crashes may have calls open below it (A calls B calls A, and the inner A
/// traps; or a thread in C, called from A, when A crashes on another thread). Its callers are
/// not abandoned: each is told in turn. The call into the crashed domain returns domainCrashed
/// to its caller (B), which runs on, its own error paths and `defer`s included; when a call
/// returns into a domain that is no longer live, the call below it, into that dead domain,
/// returns domainCrashed to its own caller instead, and so on down to a live caller.
extension SpecState {
    func createDomain(_ d: L.Value, mutant: Mutant) -> Step<L> {
        var unused = l.equal(select(domainStatus, d), DomainStatus.unused.rawValue)
        if mutant == .createOverLiveDomain { unused = l.or(unused, isLive(d)) }
        let allowed = l.all([isRow(d, .domains), l.differ(d, 0), unused])
        var s = self
        s.domainStatus = store(domainStatus, d, c(DomainStatus.live.rawValue))
        if mutant != .createForgetsCreator { s.creator = store(creator, d, currentDomain) }
        return Step(allowed: allowed, after: s)
    }

    /// Whether the current thread may call into `callee` (LeafCore's `CallGate.enter`): a live
    /// domain other than the kernel (which exports nothing and must never crash) and other than
    /// the thread's home (were it to crash, the thread would have nothing to return to).
    func mayCall(_ callee: L.Value, mutant: Mutant) -> L.Truth {
        let room = l.less(select(depth, currentThread), size(.frames))
        if mutant == .callSkipsLiveCheck { return l.and(room, isRow(callee, .domains)) }
        return l.all([room, isLive(callee), l.differ(callee, 0), l.not(l.equal(callee, select(home, currentThread)))])
    }

    /// Pushes a frame from the current domain to `callee` lending `lending` (or `none`), and
    /// switches to the callee.
    func pushingFrame(to callee: L.Value, lending: L.Value, mutant: Mutant = .none) -> SpecState {
        var s = self
        // The new frame: the current thread's at its depth.
        func here(_ t: L.Value, _ f: L.Value) -> L.Truth { l.and(isCurrent(t), l.equal(select(depth, t), f)) }
        let from = mutant == .callRecordsCalleeAsCaller ? callee : currentDomain
        func pushed(_ table: L.Table, _ v: L.Value) -> L.Table { tabulateFrames { t, f in l.choose(here(t, f), v, cell(table, t, f)) } }
        s.caller = pushed(caller, from)
        s.callee = pushed(self.callee, callee)
        s.lent = pushed(lent, lending)
        s.depth = adjust(depth, currentThread, by: 1, within: .frames)
        if mutant != .callKeepsDomain { s.currentDomain = callee }
        return s
    }

    func call(_ callee: L.Value, mutant: Mutant) -> Step<L> {
        Step(allowed: mayCall(callee, mutant: mutant), after: pushingFrame(to: callee, lending: c(Encoding.none), mutant: mutant))
    }

    /// A call with a `borrowing` argument: the callee may read `o` (and what it holds) until the
    /// call returns. Only roots are lent: an element held in a container is lent with it.
    func callLending(_ callee: L.Value, object o: L.Value, mutant: Mutant) -> Step<L> {
        let root = mutant == .lendHeldElement ? l.truth(true) : objectIs(o, .owned)
        let allowed = l.and(mayCall(callee, mutant: mutant),
                            mutant == .lendWithoutReadAccess ? isRow(o, .objects) : l.and(isReadable(o), root))
        var s = pushingFrame(to: callee, lending: o)
        if mutant != .lendForgetsBorrow {
            s.borrows = adjust(borrows, o, by: mutant == .lendCountsTwice ? 2 : 1, within: .frameSlots)
        }
        return Step(allowed: allowed, after: s)
    }

    /// A call with a `consuming` argument: `o` becomes the callee's.
    func callMoving(_ callee: L.Value, object o: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.all([mayCall(callee, mutant: mutant), owns(currentDomain, o),
                             mutant == .callMoveIgnoresPin ? l.truth(true) : l.not(isPinned(o))])
        let receiver = mutant == .callMoveGivesToHome ? select(home, currentThread) : callee
        return Step(allowed: allowed, after: transferring(o, to: receiver).pushingFrame(to: callee, lending: c(Encoding.none)))
    }

    /// The callee returns: its frame is popped, what it lent is released, the caller resumes;
    /// a caller that crashed meanwhile is unwound past (`liveDepth`) to a live one, whose call
    /// returns domainCrashed.
    func ret(mutant: Mutant) -> Step<L> {
        let allowed = l.less(c(0), select(depth, currentThread))
        return Step(allowed: allowed, after: popping(mutant: mutant))
    }

    func popping(mutant: Mutant) -> SpecState {
        let newDepth = tabulate(.threads) { t in
            let top = counted(l.minus(select(depth, t), 1), within: .frames, when: isCurrent(t))
            return l.choose(isCurrent(t), mutant == .returnIntoDeadCaller ? top : liveDepth(t, below: top), select(depth, t))
        }
        let returnTo = resumingDomain(newDepth)
        var s = unwinding(to: newDepth, mutant: mutant)
        s.currentDomain = returnTo
        return s
    }

    /// The callee returns `o` as a `consuming` result: after the pop it moves to the caller if
    /// the callee owns it and nothing lends it; otherwise the caller gets an error and `o` stays
    /// (so too when the caller crashed meanwhile: the call below returns domainCrashed).
    func retMoving(object o: L.Value, mutant: Mutant) -> Step<L> {
        let me = currentThread
        let hasFrame = mutant == .returnMoveAtDepthZero ? l.truth(true) : l.less(c(0), select(depth, me))
        let allowed = l.and(hasFrame, isRow(o, .objects))
        let from = currentDomain
        let callerLive = isLive(select(tabulate(.threads) { t in
            caller(t, at: counted(l.minus(select(depth, t), mutant == .returnMoveChecksWrongCaller ? 2 : 1), within: .frames, when: l.equal(me, t)))
        }, me))
        let popped = popping(mutant: .none)
        let movable = l.all([callerLive, popped.owns(from, o), mutant == .returnMoveIgnoresPin ? l.truth(true) : l.not(popped.isPinned(o))])
        let moved = popped.transferring(o, to: popped.currentDomain, mutant: mutant)
        return Step(allowed: allowed, after: popped.choosing(movable, moved))
    }

    /// The current domain `d` traps. The faulting thread's call into `d` returns domainCrashed
    /// to its caller (unwinding on past callers that are dead, `liveDepth`); every other thread
    /// running in `d` is unwound the same way; threads running elsewhere keep their frames (a
    /// frame naming `d` below their top is unwound past when their call returns into it);
    /// threads whose home was `d` exit; then `d` is torn down.
    func crash(_ d: L.Value, mutant: Mutant) -> Step<L> {
        let me = currentThread
        let allowed = l.all([
            mutant == .crashOfKernel ? l.truth(true) : l.differ(d, 0), isLive(d), l.equal(currentDomain, d),
            l.less(c(0), select(depth, me)),
            // A thread cannot outlive its home domain while running (see the report: LeafCore
            // would keep running it in the dead domain).
            l.differ(select(home, me), d),
        ])
        let homeless = flags(.threads) { t in
            mutant == .crashSparesHomeThreads ? l.truth(false)
                : l.all([l.not(isCurrent(t)), l.or(threadIs(t, .ready), threadIs(t, .blocked)), l.equal(select(home, t), d)])
        }
        func isHomeless(_ t: L.Value) -> L.Truth { select(homeless, t) }
        // Per thread: what it keeps. Threads living in d lose all their frames; the others those
        // at their top that call into d or into domains already dead (none, if they run elsewhere).
        let newDepth = tabulate(.threads) { t in
            let kept = mutant == .crashKeepsDeadDomainOnStacks
                ? l.choose(isCurrent(t), liveDepth(t, below: select(depth, t), dying: d), select(depth, t))
                : liveDepth(t, below: select(depth, t), dying: d)
            return l.choose(isHomeless(t), c(0), kept)
        }
        // The same per frame (sparing the prover from recovering it from the depths): a frame
        // goes if its thread lives in d, or if it and every frame above it call into d or into
        // domains already dead.
        func callsIntoTheDead(_ t: L.Value, _ f: L.Value) -> L.Truth {
            let e = cell(callee, t, f)
            return l.or(l.equal(e, d), l.not(isLive(e)))
        }
        let popped = frameFlags { t, f in
            var goes = l.and(callsIntoTheDead(t, f), forAll(.frames) { g in
                l.implies(l.and(l.less(f, g), isOnStack(t, g)), callsIntoTheDead(t, g))
            })
            if mutant == .crashKeepsDeadDomainOnStacks { goes = l.and(isCurrent(t), goes) }
            return l.and(isOnStack(t, f), l.or(isHomeless(t), goes))
        }
        let resumeIn = resumingDomain(newDepth)
        var s = unwinding(to: newDepth, popping: popped).retiring(homeless)
        s.currentDomain = resumeIn
        return Step(allowed: allowed, after: s.reclaimingDomain(d, becoming: .crashed, mutant: mutant))
    }

    /// Teardown on request, by the kernel or the domain's creator: allowed when no frame calls
    /// into or out of the domain and no thread lives in it (LeafCore's `hasFrames`), so no
    /// thread is affected.
    func tearDown(_ d: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.all([
            mutant == .teardownOfKernel ? l.truth(true) : l.differ(d, 0), isLive(d),
            mutant == .teardownSkipsAuthority ? l.truth(true) : hasAuthority(over: d), l.not(hasFrames(d)),
            mutant == .teardownWithThreadsLivingIn ? l.truth(true) : l.not(hasThreadsLivingIn(d)),
        ])
        return Step(allowed: allowed, after: reclaimingDomain(d, becoming: .stopped, mutant: mutant))
    }

    /// A crashed or stopped domain comes back live (with nothing: teardown took it all), at the
    /// request of the kernel or its creator, once no frame names it: a call into or out of the
    /// dead incarnation still on a stack is to be unwound past, not returned into (LeafCore's
    /// incarnations, which the spec does not model, tell the two apart). The domain's entry
    /// runs as a call from the current thread: with no frame free for it, the restart fails and
    /// leaves the domain crashed (live with nothing exported, its proxies would reach what its
    /// teardown released: LeafCore's entryDidNotRun).
    func restart(_ d: L.Value, mutant: Mutant) -> Step<L> {
        let status = select(domainStatus, d)
        let allowed = l.all([
            isRow(d, .domains), l.differ(d, 0), mutant == .restartSkipsAuthority ? l.truth(true) : hasAuthority(over: d),
            l.not(hasFrames(d)),
            l.or(l.equal(status, DomainStatus.crashed.rawValue), l.equal(status, DomainStatus.stopped.rawValue)),
        ])
        var s = self
        let entryRuns = l.less(select(depth, currentThread), size(.frames))
        s.domainStatus = store(domainStatus, d, l.choose(entryRuns, c(DomainStatus.live.rawValue), c(DomainStatus.crashed.rawValue)))
        if mutant == .restartGivesDomainToActor { s.creator = store(creator, d, currentDomain) }
        return Step(allowed: allowed, after: s)
    }
}
