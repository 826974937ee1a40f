/// Cell-by-cell choice between two states: `self` where `condition` fails, `other` where it holds.
/// Used where a transition's effect depends on the state (a result that may or may not move).
extension SpecState {
    func choosing(_ condition: L.Truth, _ other: SpecState) -> SpecState {
        func pick(_ a: L.Table, _ b: L.Table) -> L.Table { l.pick(condition, b, a) }
        func pick(_ a: L.Flags, _ b: L.Flags) -> L.Flags { l.pick(condition, flags: b, a) }
        var s = self
        s.objectStatus = pick(objectStatus, other.objectStatus)
        s.owner = pick(owner, other.owner)
        s.parent = pick(parent, other.parent)
        s.borrows = pick(borrows, other.borrows)
        s.isContainer = pick(isContainer, other.isContainer)
        s.domainStatus = pick(domainStatus, other.domainStatus)
        s.objectsOwned = pick(objectsOwned, other.objectsOwned)
        s.pagesOwned = pick(pagesOwned, other.pagesOwned)
        s.creator = pick(creator, other.creator)
        s.pageOwner = pick(pageOwner, other.pageOwner)
        s.threadStatus = pick(threadStatus, other.threadStatus)
        s.home = pick(home, other.home)
        s.depth = pick(depth, other.depth)
        s.caller = pick(caller, other.caller)
        s.callee = pick(callee, other.callee)
        s.lent = pick(lent, other.lent)
        s.runQueue = pick(runQueue, other.runQueue)
        s.runQueueLength = l.choose(condition, other.runQueueLength, runQueueLength)
        s.queueSlot = pick(queueSlot, other.queueSlot)
        s.currentThread = l.choose(condition, other.currentThread, currentThread)
        s.currentDomain = l.choose(condition, other.currentDomain, currentDomain)
        return s
    }
}
