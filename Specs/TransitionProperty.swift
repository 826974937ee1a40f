/// What every step must respect between the state before it and the state after it: the
/// properties no single state can show. `verify` proves each for every transition, as it proves
/// the invariants; the refinement tests check them on every step LeafCore takes.
public enum TransitionProperty: Int, CaseIterable, Sendable {
    case borrowGuarantee
    case authority
    case frameCondition
    case noOverflow

    public var name: String {
        switch self {
        case .borrowGuarantee: "borrow-guarantee"
        case .authority: "authority"
        case .frameCondition: "frame-condition"
        case .noOverflow: "no-overflow"
        }
    }

    public var summary: String {
        switch self {
        case .borrowGuarantee:
            "a frame that stays on its stack keeps lending the same object, with the same contents, root and owner, unless that owner dies"
        case .authority:
            "a domain's creator is its actor at birth and never changes; a domain's state, or a thread's beyond the scheduler's moves, changes only at the kernel's, its creator's or its home's request (or its own crash)"
        case .frameCondition:
            "a step changes no domain but its actor, its explicit target and the kernel: state, creator, counts, objects, pages, threads"
        case .noOverflow:
            "every addition and subtraction the step does stays within its count's range (0 up to the table it counts)"
        }
    }

    /// Whether the property holds of the step from `before` to `after` by `transition` with
    /// `arguments` (its guard assumed). `noOverflow` needs `before.ledger` (see `Ledger`).
    public func holds<L: Logic>(before: SpecState<L>, after: SpecState<L>, transition: Transition,
                                arguments: [L.Value]) -> L.Truth {
        switch self {
        case .borrowGuarantee: return before.keepsBorrows(after)
        case .authority: return before.respectsAuthority(after)
        case .frameCondition: return before.changesOnly(transition.targets(before, after, arguments), after)
        case .noOverflow: return before.logic.all(before.ledger?.facts ?? [])
        }
    }
}

extension Transition {
    /// The domains besides the actor (the current domain) and the kernel that this transition
    /// may change: what it names, or the caller a result moves back to.
    func targets<L: Logic>(_ before: SpecState<L>, _ after: SpecState<L>, _ a: [L.Value]) -> [L.Value] {
        switch self {
        case .alloc, .drop, .put, .take, .call, .callLending, .ret, .block, .yield, .preempt, .allocPage, .freePage: []
        case .move, .spawn: [a[1]]
        case .callMoving, .createDomain, .crash, .tearDown, .restart: [a[0]]
        case .retMoving: [after.currentDomain]
        case .exit, .wake: [before.select(before.home, a[0])]
        }
    }
}

extension SpecState {
    func keepsBorrows(_ after: SpecState) -> L.Truth {
        let objects = 0..<bounds.objects
        // Per object: its root and that root's owner are the same after the step, or that owner
        // is no longer live (it crashed and took its objects); and whether the latter is so.
        let ownerGone = objects.map { j in l.not(after.isLive(owner[j])) }
        var kept: [L.Truth] = []
        var lostWithOwner: [L.Truth] = []
        for o in objects {
            let roots = objects.map { j in l.and(isInside(o, j), objectIs(j, .owned)) }
            // What the borrower may read through it: the objects inside it.
            let contents = keepsContents(of: o, after)
            kept.append(l.all(objects.map { j in
                l.implies(roots[j], l.or(ownerGone[j], l.all([
                    after.isInside(o, j), after.objectIs(j, .owned), l.equal(after.owner[j], owner[j]), contents,
                ])))
            }))
            lostWithOwner.append(l.all(objects.map { j in l.implies(roots[j], ownerGone[j]) }))
        }
        var facts: [L.Truth] = []
        for t in 0..<bounds.threads {
            for f in 0..<bounds.frames {
                let k = frame(t, f)
                let stays = l.and(isOnStack(t, f), after.isOnStack(t, f))
                for o in objects {
                    facts.append(l.implies(l.and(stays, l.equal(lent[k], o)),
                                           l.and(kept[o], l.or(l.equal(after.lent[k], o), lostWithOwner[o]))))
                }
            }
        }
        return l.all(facts)
    }

    /// The objects inside object `o` (it among them) are the same after the step.
    private func keepsContents(of o: Int, _ after: SpecState) -> L.Truth {
        l.all((0..<bounds.objects).map { i in l.same(isInside(i, o), after.isInside(i, o)) })
    }

    /// The scheduler's own moves of a thread: the running one gives up the CPU (ready or
    /// blocked), a ready one is dispatched.
    private func isSchedulerMove(_ t: Int, to after: SpecState) -> L.Truth {
        l.or(l.and(threadIs(t, .running), l.or(after.threadIs(t, .ready), after.threadIs(t, .blocked))),
             l.and(threadIs(t, .ready), after.threadIs(t, .running)))
    }

    func respectsAuthority(_ after: SpecState) -> L.Truth {
        let actor = currentDomain
        var facts: [L.Truth] = []
        for e in 0..<bounds.domains {
            // A domain comes into existence with its actor as creator, and keeps that creator;
            // after that its state changes only at the kernel's or the creator's request, or
            // when it crashes itself.
            let born = l.and(domainIs(e, .unused), l.not(after.domainIs(e, .unused)))
            let changed = l.differ(domainStatus[e], after.domainStatus[e])
            let ownCrash = l.and(l.equal(actor, e), after.domainIs(e, .crashed))
            facts.append(l.choose(born, l.equal(after.creator[e], actor), l.and(
                l.equal(creator[e], after.creator[e]),
                l.implies(changed, l.any([l.equal(actor, 0), l.equal(actor, creator[e]), ownCrash])))))
        }
        for t in 0..<bounds.threads {
            let changed = l.or(l.differ(threadStatus[t], after.threadStatus[t]), l.differ(home[t], after.home[t]))
            let h = after.home[t]
            let entitled = l.any([l.equal(actor, 0), l.equal(actor, h), l.equal(actor, after.select(after.creator, h))])
            facts.append(l.implies(l.and(changed, l.not(isSchedulerMove(t, to: after))), entitled))
        }
        return l.all(facts)
    }

    func changesOnly(_ targets: [L.Value], _ after: SpecState) -> L.Truth {
        // Per object: its kind and its contents are the same after the step.
        let nestKept = (0..<bounds.objects).map { o in l.and(l.same(isContainer[o], after.isContainer[o]), keepsContents(of: o, after)) }
        var facts: [L.Truth] = []
        for e in 1..<bounds.domains {
            let exempt = l.any([l.equal(currentDomain, e)] + targets.map { l.equal($0, e) })
            var same = [
                l.equal(domainStatus[e], after.domainStatus[e]), l.equal(creator[e], after.creator[e]),
                l.equal(objectsOwned[e], after.objectsOwned[e]), l.equal(pagesOwned[e], after.pagesOwned[e]),
            ]
            for o in 0..<bounds.objects {
                // What e owns, and, of each of its objects, the kind and the whole nest.
                same.append(l.same(owns(c(e), o), after.owns(c(e), o)))
                same.append(l.implies(owns(c(e), o), nestKept[o]))
            }
            for p in 0..<bounds.pages { same.append(l.same(l.equal(pageOwner[p], e), l.equal(after.pageOwner[p], e))) }
            for t in 0..<bounds.threads {
                // Threads that live in e, before or after (an unused or exited slot keeps a
                // stale home, which names no one).
                let lives = l.or(l.and(isActive(t), l.equal(home[t], e)), l.and(after.isActive(t), l.equal(after.home[t], e)))
                let kept = l.and(l.equal(home[t], after.home[t]),
                                 l.or(l.equal(threadStatus[t], after.threadStatus[t]), isSchedulerMove(t, to: after)))
                same.append(l.implies(lives, kept))
            }
            facts.append(l.implies(l.not(exempt), l.all(same)))
        }
        return l.all(facts)
    }
}
