/// Pages of the domains' private heaps: the current domain takes a free page or gives back one
/// of its own; teardown reclaims them all (in `reclaimingDomain`).
extension SpecState {
    func allocPage(_ p: L.Value, mutant: Mutant) -> Step<L> {
        let free = mutant == .pageAllocTakesUsedPage ? l.differ(select(pageOwner, p), currentDomain) : l.equal(select(pageOwner, p), Encoding.none)
        let allowed = l.and(isRow(p, .pages), free)
        var s = self
        s.pageOwner = store(pageOwner, p, currentDomain)
        if mutant != .pageAllocForgetsCount { s.pagesOwned = adjust(pagesOwned, currentDomain, by: 1, within: .pages) }
        return Step(allowed: allowed, after: s)
    }

    func freePage(_ p: L.Value, mutant: Mutant) -> Step<L> {
        let allowed = mutant == .freePageTwice ? isRow(p, .pages)
            : l.and(isRow(p, .pages), l.equal(select(pageOwner, p), currentDomain))
        var s = self
        s.pageOwner = store(pageOwner, p, c(Encoding.none))
        if mutant != .freePageForgetsCount { s.pagesOwned = adjust(pagesOwned, currentDomain, by: -1, within: .pages) }
        return Step(allowed: allowed, after: s)
    }
}
