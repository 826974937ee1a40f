/// The invariants every reachable state satisfies; `verify` proves each is preserved by every
/// transition and established at boot.
public enum Invariant: Int, CaseIterable, Sendable {
    case kernelAlwaysLive
    case ownedObjectsHaveLiveOwners
    case heldObjectsAreInContainers
    case freeObjectsAreClean
    case everyObjectHasOneOwner
    case deadDomainsOwnNothing
    case objectCountsMatch
    case pageCountsMatch
    case borrowsCountLendingFrames
    case framesOffStacksAreEmpty
    case threadsRunInLiveDomains
    case stacksChainCallerToCallee
    case currentDomainIsTopFrame
    case runQueueHoldsReadyThreads
    case oneRunningThread

    public var name: String {
        switch self {
        case .kernelAlwaysLive: "kernel-always-live"
        case .ownedObjectsHaveLiveOwners: "owned-objects-have-live-owners"
        case .heldObjectsAreInContainers: "held-objects-are-in-containers"
        case .freeObjectsAreClean: "free-objects-are-clean"
        case .everyObjectHasOneOwner: "every-object-has-one-owner"
        case .deadDomainsOwnNothing: "dead-domains-own-nothing"
        case .objectCountsMatch: "object-counts-match"
        case .pageCountsMatch: "page-counts-match"
        case .borrowsCountLendingFrames: "borrows-count-lending-frames"
        case .framesOffStacksAreEmpty: "frames-off-stacks-are-empty"
        case .threadsRunInLiveDomains: "threads-run-in-live-domains"
        case .stacksChainCallerToCallee: "stacks-chain-caller-to-callee"
        case .currentDomainIsTopFrame: "current-domain-is-top-frame"
        case .runQueueHoldsReadyThreads: "run-queue-holds-ready-threads"
        case .oneRunningThread: "one-running-thread"
        }
    }

    public var summary: String {
        switch self {
        case .kernelAlwaysLive: "domain states are valid and the kernel domain is live"
        case .ownedObjectsHaveLiveOwners: "an owned object's owner is a live domain, and it has no parent"
        case .heldObjectsAreInContainers: "a held object's parent is an allocated container, and it has no owner and is no container"
        case .freeObjectsAreClean: "a free object has no owner, parent, borrows or nest"
        case .everyObjectHasOneOwner: "every allocated object's root, itself or the container holding it, is owned outright (nests are one level deep)"
        case .deadDomainsOwnNothing: "a domain that is not live owns no object and no page"
        case .objectCountsMatch: "each domain's object count equals the objects it owns"
        case .pageCountsMatch: "each domain's page count equals the pages it holds"
        case .borrowsCountLendingFrames: "an object's borrow count equals the frames on stacks lending it"
        case .framesOffStacksAreEmpty: "frames above a stack's top are empty; what a frame lends is a root (owned outright)"
        case .threadsRunInLiveDomains: "a live thread's home and the domain it runs in (its top callee) are live"
        case .stacksChainCallerToCallee: "each frame's caller is the previous frame's callee (the home for the first)"
        case .currentDomainIsTopFrame: "the current domain is the running thread's top callee, or its home"
        case .runQueueHoldsReadyThreads: "the run queue holds exactly the ready threads, each once, at the slot its ghost names; its length is their number"
        case .oneRunningThread: "exactly one thread runs, the current one"
        }
    }

    public var machine: Machine {
        switch self {
        case .kernelAlwaysLive, .deadDomainsOwnNothing: .domains
        case .ownedObjectsHaveLiveOwners, .heldObjectsAreInContainers, .freeObjectsAreClean,
             .everyObjectHasOneOwner, .objectCountsMatch, .borrowsCountLendingFrames: .heap
        case .pageCountsMatch: .pages
        case .framesOffStacksAreEmpty, .threadsRunInLiveDomains, .stacksChainCallerToCallee, .currentDomainIsTopFrame,
             .runQueueHoldsReadyThreads, .oneRunningThread: .threads
        }
    }

    public func holds<L: Logic>(in s: SpecState<L>) -> L.Truth { s.check(self) }
}

extension SpecState {
    /// All the invariants together.
    public var invariantsHold: L.Truth { l.all(Invariant.allCases.map { check($0) }) }

    func check(_ invariant: Invariant) -> L.Truth {
        let b = bounds, none = Encoding.none
        switch invariant {
        case .kernelAlwaysLive:
            return l.and(domainIs(c(0), .live),
                         forAll(.domains) { d in l.inRange(select(domainStatus, d), DomainStatus.allCases.count) })

        case .ownedObjectsHaveLiveOwners:
            return forAll(.objects) { o in
                l.implies(objectIs(o, .owned), l.and(isLive(select(owner, o)), l.equal(select(parent, o), none)))
            }

        case .heldObjectsAreInContainers:
            return forAll(.objects) { o in
                let p = select(parent, o)
                // Elements are values, never containers (a typed container's element type is
                // never a container type), so nests are one level deep.
                return l.implies(objectIs(o, .held), l.all([
                    isRow(p, .objects), l.not(objectIs(p, .free)), select(isContainer, p),
                    l.equal(select(owner, o), none), l.not(select(isContainer, o)),
                ]))
            }

        case .freeObjectsAreClean:
            return forAll(.objects) { o in
                l.and(l.inRange(select(objectStatus, o), ObjectStatus.allCases.count),
                      l.implies(objectIs(o, .free), l.all([
                          l.equal(select(owner, o), none), l.equal(select(parent, o), none),
                          l.equal(select(borrows, o), 0), l.not(select(isContainer, o)),
                      ])))
            }

        case .everyObjectHasOneOwner:
            // The root is a function of the object, so there is at most one; it must be owned.
            return forAll(.objects) { i in l.implies(objectIs(i, .held), objectIs(select(parent, i), .owned)) }

        case .deadDomainsOwnNothing:
            return forAll(.domains) { d in
                l.implies(l.not(domainIs(d, .live)), l.all([
                    forAll(.objects) { o in l.not(owns(d, o)) },
                    forAll(.pages) { p in l.differ(select(pageOwner, p), d) },
                    l.equal(select(objectsOwned, d), 0), l.equal(select(pagesOwned, d), 0),
                ]))
            }

        case .objectCountsMatch:
            let owned = tally(tabulate(.objects) { o in l.choose(objectIs(o, .owned), select(owner, o), c(none)) }, into: .domains)
            return forAll(.domains) { d in l.equal(select(objectsOwned, d), select(owned, d)) }

        case .pageCountsMatch:
            let held = tally(pageOwner, into: .domains)
            return l.and(forAll(.pages) { p in let o = select(pageOwner, p); return l.or(l.equal(o, none), isRow(o, .domains)) },
                         forAll(.domains) { d in l.equal(select(pagesOwned, d), select(held, d)) })

        case .borrowsCountLendingFrames:
            // Frames off the stacks lend nothing (frames-off-stacks-are-empty), so counting every
            // frame slot counts the frames on stacks; stated so, it does not depend on the depths.
            let lending = tally(lent, into: .objects)
            return forAll(.objects) { o in l.equal(select(borrows, o), select(lending, o)) }

        case .framesOffStacksAreEmpty:
            return forAll(.threads) { t in
                forAll(.frames) { f in
                    let lends = cell(lent, t, f)
                    let lentRoot = l.or(l.equal(lends, none), objectIs(lends, .owned))
                    return l.choose(isOnStack(t, f), lentRoot, l.all([
                        l.equal(cell(caller, t, f), none), l.equal(cell(callee, t, f), none), l.equal(lends, none),
                    ]))
                }
            }

        case .threadsRunInLiveDomains:
            // Frames below the top may name a domain that crashed since: the thread unwinds
            // past them when its call returns into it (`ret`), never running in a dead domain.
            return forAll(.threads) { t in
                l.choose(isActive(t), l.and(isLive(select(home, t)), isLive(runningDomain(of: t))), l.equal(select(depth, t), 0))
            }

        case .stacksChainCallerToCallee:
            return forAll(.threads) { t in
                let top = select(depth, t)
                return l.all([
                    l.atMost(c(0), top), l.atMost(top, size(.frames)),
                    l.implies(isOnStack(t, c(0)), l.equal(cell(caller, t, c(0)), select(home, t))),
                    forAll(.frames) { f in
                        l.implies(l.and(l.less(c(0), f), isOnStack(t, f)), l.equal(cell(caller, t, f), cell(callee, t, l.minus(f, 1))))
                    },
                ])
            }

        case .currentDomainIsTopFrame:
            return forAll(.threads) { t in l.implies(isCurrent(t), l.equal(currentDomain, runningDomain(of: t))) }

        case .runQueueHoldsReadyThreads:
            // Queue slots are as many as threads; slot i is queued while i < runQueueLength.
            let length = runQueueLength
            func queued(_ i: L.Value) -> L.Truth { l.less(i, length) }
            // Each queued thread is at the slot its ghost names, so none is queued twice. The
            // length is the number of ready threads: implied, but an unbounded proof needs it
            // to know a slot is free for a thread not yet queued (the pigeonhole principle).
            return l.all([
                l.atMost(c(0), length), l.atMost(length, size(.threads)),
                l.equal(length, count(.threads) { t in threadIs(t, .ready) }),
                forAll(.threads) { i in
                    let t = select(runQueue, i)
                    return l.choose(queued(i), l.and(threadIs(t, .ready), l.equal(select(queueSlot, t), i)), l.equal(t, none))
                },
                forAll(.threads) { t in
                    let slot = select(queueSlot, t)
                    return l.choose(threadIs(t, .ready), l.all([l.atMost(c(0), slot), queued(slot), l.equal(select(runQueue, slot), t)]),
                                    l.equal(slot, none))
                },
            ])

        case .oneRunningThread:
            return l.and(threadIs(currentThread, .running), forAll(.threads) { t in
                l.and(l.inRange(select(threadStatus, t), ThreadStatus.allCases.count), l.implies(threadIs(t, .running), isCurrent(t)))
            })
        }
    }
}
