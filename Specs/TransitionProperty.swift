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
        // Per object o: each root j of its (itself or the container holding it) stays its root
        // with the same owner and o keeps its contents, or that owner is no longer live (it
        // crashed and took its objects); and whether the latter is so.
        func isRoot(_ j: L.Value, of o: L.Value) -> L.Truth { l.and(isInside(o, j), objectIs(j, .owned)) }
        func ownerGone(_ j: L.Value) -> L.Truth { l.not(after.isLive(select(owner, j))) }
        let kept = flags(.objects) { o in
            // What the borrower may read through it: the objects inside it.
            let contents = keepsContents(of: o, after)
            return forAll(.objects) { j in
                l.implies(isRoot(j, of: o), l.or(ownerGone(j), l.all([
                    after.isInside(o, j), after.objectIs(j, .owned), l.equal(after.select(after.owner, j), select(owner, j)), contents,
                ])))
            }
        }
        let lostWithOwner = flags(.objects) { o in forAll(.objects) { j in l.implies(isRoot(j, of: o), ownerGone(j)) } }
        return forAll(.threads) { t in
            forAll(.frames) { f in
                let stays = l.and(isOnStack(t, f), after.isOnStack(t, f))
                return forAll(.objects) { o in
                    l.implies(l.and(stays, l.equal(cell(lent, t, f), o)),
                              l.and(select(kept, o), l.or(l.equal(after.cell(after.lent, t, f), o), select(lostWithOwner, o))))
                }
            }
        }
    }

    /// The objects inside object `o` (it among them) are the same after the step.
    private func keepsContents(of o: L.Value, _ after: SpecState) -> L.Truth {
        forAll(.objects) { i in l.same(isInside(i, o), after.isInside(i, o)) }
    }

    /// The scheduler's own moves of a thread: the running one gives up the CPU (ready or
    /// blocked), a ready one is dispatched.
    private func isSchedulerMove(_ t: L.Value, to after: SpecState) -> L.Truth {
        l.or(l.and(threadIs(t, .running), l.or(after.threadIs(t, .ready), after.threadIs(t, .blocked))),
             l.and(threadIs(t, .ready), after.threadIs(t, .running)))
    }

    func respectsAuthority(_ after: SpecState) -> L.Truth {
        let actor = currentDomain
        // A domain comes into existence with its actor as creator, and keeps that creator;
        // after that its state changes only at the kernel's or the creator's request, or when
        // it crashes itself.
        let domains = forAll(.domains) { e in
            let born = l.and(domainIs(e, .unused), l.not(after.domainIs(e, .unused)))
            let changed = l.differ(select(domainStatus, e), after.select(after.domainStatus, e))
            let ownCrash = l.and(l.equal(actor, e), after.domainIs(e, .crashed))
            let creator = select(self.creator, e)
            return l.choose(born, l.equal(after.select(after.creator, e), actor), l.and(
                l.equal(creator, after.select(after.creator, e)),
                l.implies(changed, l.any([l.equal(actor, 0), l.equal(actor, creator), ownCrash]))))
        }
        let threads = forAll(.threads) { t in
            let changed = l.or(l.differ(select(threadStatus, t), after.select(after.threadStatus, t)),
                               l.differ(select(home, t), after.select(after.home, t)))
            let h = after.select(after.home, t)
            let entitled = l.any([l.equal(actor, 0), l.equal(actor, h), l.equal(actor, after.select(after.creator, h))])
            return l.implies(l.and(changed, l.not(isSchedulerMove(t, to: after))), entitled)
        }
        return l.and(domains, threads)
    }

    func changesOnly(_ targets: [L.Value], _ after: SpecState) -> L.Truth {
        // Per object: its kind and its contents are the same after the step.
        let nestKept = flags(.objects) { o in
            l.and(l.same(select(isContainer, o), after.select(after.isContainer, o)), keepsContents(of: o, after))
        }
        return forAll(.domains) { e in
            let exempt = l.any([l.equal(e, 0), l.equal(currentDomain, e)] + targets.map { l.equal($0, e) })
            let same = [
                l.equal(select(domainStatus, e), after.select(after.domainStatus, e)),
                l.equal(select(creator, e), after.select(after.creator, e)),
                l.equal(select(objectsOwned, e), after.select(after.objectsOwned, e)),
                l.equal(select(pagesOwned, e), after.select(after.pagesOwned, e)),
                // What e owns, and, of each of its objects, the kind and the whole nest.
                forAll(.objects) { o in
                    l.and(l.same(owns(e, o), after.owns(e, o)), l.implies(owns(e, o), select(nestKept, o)))
                },
                forAll(.pages) { p in l.same(l.equal(select(pageOwner, p), e), l.equal(after.select(after.pageOwner, p), e)) },
                // Threads that live in e, before or after (an unused or exited slot keeps a
                // stale home, which names no one).
                forAll(.threads) { t in
                    let lives = l.or(l.and(isActive(t), l.equal(select(home, t), e)),
                                     l.and(after.isActive(t), l.equal(after.select(after.home, t), e)))
                    let kept = l.and(l.equal(select(home, t), after.select(after.home, t)),
                                     l.or(l.equal(select(threadStatus, t), after.select(after.threadStatus, t)), isSchedulerMove(t, to: after)))
                    return l.implies(lives, kept)
                },
            ]
            return l.implies(l.not(exempt), l.all(same))
        }
    }
}
