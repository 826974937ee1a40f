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
        case .runQueueHoldsReadyThreads: "the run queue holds exactly the ready threads, each once"
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
        let objects = 0..<b.objects, domains = 0..<b.domains, threads = 0..<b.threads, frames = 0..<b.frames
        switch invariant {
        case .kernelAlwaysLive:
            return l.and(domainIs(0, .live), l.all(domains.map { l.inRange(domainStatus[$0], DomainStatus.allCases.count) }))

        case .ownedObjectsHaveLiveOwners:
            return l.all(objects.map { o in
                l.implies(objectIs(o, .owned), l.and(isLive(owner[o]), l.equal(parent[o], none)))
            })

        case .heldObjectsAreInContainers:
            return l.all(objects.map { o in
                let p = parent[o]
                // Elements are values, never containers (a typed container's element type is
                // never a container type), so nests are one level deep.
                return l.implies(objectIs(o, .held), l.all([
                    l.inRange(p, b.objects), l.not(objectIs(p, .free)), select(isContainer, p), l.equal(owner[o], none),
                    l.not(isContainer[o]),
                ]))
            })

        case .freeObjectsAreClean:
            return l.all(objects.map { o in
                l.and(l.inRange(objectStatus[o], ObjectStatus.allCases.count),
                      l.implies(objectIs(o, .free), l.all([
                          l.equal(owner[o], none), l.equal(parent[o], none), l.equal(borrows[o], 0), l.not(isContainer[o]),
                      ])))
            })

        case .everyObjectHasOneOwner:
            // The root is a function of the object, so there is at most one; it must be owned.
            return l.all(objects.map { i in
                l.implies(objectIs(i, .held), objectIs(parent[i], .owned))
            })

        case .deadDomainsOwnNothing:
            return l.all(domains.map { d in
                l.implies(l.not(domainIs(d, .live)), l.all(
                    objects.map { l.not(owns(c(d), $0)) } + pageOwner.map { l.differ($0, d) }
                    + [l.equal(objectsOwned[d], 0), l.equal(pagesOwned[d], 0)]))
            })

        case .objectCountsMatch:
            let owned = l.tally(objects.map { l.choose(objectIs($0, .owned), owner[$0], c(none)) }, rows: b.domains)
            return l.all(domains.map { d in l.equal(objectsOwned[d], owned[d]) })

        case .pageCountsMatch:
            let valid = pageOwner.map { p in l.or(l.equal(p, none), l.inRange(p, b.domains)) }
            let held = l.tally(pageOwner, rows: b.domains)
            return l.all(valid + domains.map { d in l.equal(pagesOwned[d], held[d]) })

        case .borrowsCountLendingFrames:
            // Frames off the stacks lend nothing (frames-off-stacks-are-empty), so counting every
            // frame slot counts the frames on stacks; stated so, it does not depend on the depths.
            let lending = l.tally(lent, rows: b.objects)
            return l.all(objects.map { o in l.equal(borrows[o], lending[o]) })

        case .framesOffStacksAreEmpty:
            return l.all(threads.flatMap { t in
                frames.map { f in
                    let k = frame(t, f)
                    let lentRoot = l.or(l.equal(lent[k], none), objectIs(lent[k], .owned))
                    return l.choose(isOnStack(t, f), lentRoot,
                                    l.all([l.equal(caller[k], none), l.equal(callee[k], none), l.equal(lent[k], none)]))
                }
            })

        case .threadsRunInLiveDomains:
            // Frames below the top may name a domain that crashed since: the thread unwinds
            // past them when its call returns into it (`ret`), never running in a dead domain.
            return l.all(threads.map { t in
                l.choose(isActive(t), l.and(isLive(home[t]), isLive(runningDomain(of: t))), l.equal(depth[t], 0))
            })

        case .stacksChainCallerToCallee:
            return l.all(threads.map { t in
                var links = [l.atMost(c(0), depth[t]), l.atMost(depth[t], c(b.frames)),
                             l.implies(isOnStack(t, 0), l.equal(caller[frame(t, 0)], home[t]))]
                for f in frames.dropFirst() {
                    links.append(l.implies(isOnStack(t, f), l.equal(caller[frame(t, f)], callee[frame(t, f - 1)])))
                }
                return l.all(links)
            })

        case .currentDomainIsTopFrame:
            return l.all(threads.map { t in l.implies(isCurrent(t), l.equal(currentDomain, runningDomain(of: t))) })

        case .runQueueHoldsReadyThreads:
            let n = b.threads
            var facts = [l.atMost(c(0), runQueueLength), l.atMost(runQueueLength, c(n))]
            for i in 0..<n {
                let queued = l.less(c(i), runQueueLength)
                facts.append(l.choose(queued, threadIs(runQueue[i], .ready), l.equal(runQueue[i], none)))
                for j in 0..<i { facts.append(l.implies(queued, l.differ(runQueue[i], runQueue[j]))) }
            }
            for t in threads {
                facts.append(l.implies(threadIs(t, .ready),
                                       l.any((0..<n).map { i in l.and(l.less(c(i), runQueueLength), l.equal(runQueue[i], t)) })))
            }
            return l.all(facts)

        case .oneRunningThread:
            return l.and(threadIs(currentThread, .running), l.all(threads.map { t in
                l.and(l.inRange(threadStatus[t], ThreadStatus.allCases.count),
                      l.implies(threadIs(t, .running), isCurrent(t)))
            }))
        }
    }
}
