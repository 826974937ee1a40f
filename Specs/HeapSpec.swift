/// The shared heap: alloc, drop, move, and putting objects into and taking them out of
/// containers (nested ownership). Each transition is a guard (when it is allowed) and an update
/// (the state after), like Hyperkernel's handlers; the caller is always the current domain.
extension SpecState {
    /// A new object (a container when `container` is 1), owned by the current domain.
    func alloc(object o: L.Value, container: L.Value, mutant: Mutant) -> Step<L> {
        let isFree = mutant == .allocIgnoresFreeCheck ? isRow(o, .objects) : objectIs(o, .free)
        let allowed = l.and(isFree, l.inRange(container, 2))
        var s = self
        s.objectStatus = store(objectStatus, o, c(ObjectStatus.owned.rawValue))
        s.owner = store(owner, o, mutant == .allocOwnedByKernel ? c(0) : currentDomain)
        s.parent = store(parent, o, c(Encoding.none))
        s.borrows = store(borrows, o, c(0))
        s.isContainer = store(isContainer, o, l.equal(container, 1))
        if mutant != .allocForgetsCount { s.objectsOwned = adjust(objectsOwned, currentDomain, by: 1, within: .objects) }
        return Step(allowed: allowed, after: s)
    }

    /// Drops an object the current domain owns and that is not pinned, with everything it holds.
    func drop(object o: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.and(owns(currentDomain, o), mutant == .dropIgnoresPin ? l.truth(true) : l.not(isPinned(o)))
        let dies = flags(.objects) { i in
            mutant == .dropForgetsContainerElements ? l.equal(o, i) : isInside(i, o)
        }
        return Step(allowed: allowed, after: reclaiming(dies, mutant: mutant))
    }

    /// Hands an object the current domain owns, and that is not pinned, to live domain `d`.
    func move(object o: L.Value, to d: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = l.all([
            owns(currentDomain, o), mutant == .moveIgnoresPin ? l.truth(true) : l.not(isPinned(o)),
            mutant == .moveToDeadDomain ? isRow(d, .domains) : isLive(d),
        ])
        return Step(allowed: allowed, after: transferring(o, to: d, mutant: mutant))
    }

    /// The update of a move, shared with calls and returns that move objects.
    func transferring(_ o: L.Value, to d: L.Value, mutant: Mutant = .none) -> SpecState {
        var s = self
        let from = select(owner, o)
        if mutant != .moveSkipsOwnerUpdate && mutant != .returnMoveKeepsOwner { s.owner = store(owner, o, d) }
        s.objectsOwned = adjust(adjust(objectsOwned, from, by: -1, within: .objects), d, by: 1, within: .objects)
        return s
    }

    /// Puts object `e` into container `k`; both are the current domain's and neither is pinned.
    /// Elements are values (a typed container's element type is never a container type), so
    /// nests stay one level deep.
    func put(element e: L.Value, into k: L.Value, mutant: Mutant) -> Step<L> {
        let pins = mutant == .putIgnoresPin ? l.truth(true) : l.and(l.not(isPinned(k)), l.not(isPinned(e)))
        var allowed = l.all([owns(currentDomain, k), select(isContainer, k), owns(currentDomain, e), pins])
        if mutant != .putAcceptsContainer { allowed = l.and(allowed, l.not(select(isContainer, e))) }
        var s = self
        s.objectStatus = store(objectStatus, e, c(ObjectStatus.held.rawValue))
        if mutant != .putKeepsOwner { s.owner = store(owner, e, c(Encoding.none)) }
        s.parent = store(parent, e, k)
        s.objectsOwned = adjust(objectsOwned, currentDomain, by: -1, within: .objects)
        return Step(allowed: allowed, after: s)
    }

    /// Takes element `e` out of the container holding it, which the current domain owns and
    /// which is not pinned.
    func take(element e: L.Value, mutant: Mutant) -> Step<L> {
        let k = select(parent, e)
        let allowed = l.all([objectIs(e, .held), owns(currentDomain, k), mutant == .takeIgnoresPin ? l.truth(true) : l.not(isPinned(k))])
        var s = self
        s.objectStatus = store(objectStatus, e, c(ObjectStatus.owned.rawValue))
        s.owner = store(owner, e, currentDomain)
        if mutant != .takeKeepsParent { s.parent = store(parent, e, c(Encoding.none)) }
        if mutant != .takeForgetsCount { s.objectsOwned = adjust(objectsOwned, currentDomain, by: 1, within: .objects) }
        return Step(allowed: allowed, after: s)
    }
}

/// A transition applied to a state: whether it is allowed there, and the state after it.
public struct Step<L: Logic> {
    public let allowed: L.Truth
    public let after: SpecState<L>
}
