/// Readable views of concrete states: for counterexamples, test failures and the monitor.
extension SpecState where L == Concrete {
    /// One line per table, only the rows in use.
    public var description: String {
        let b = bounds
        func name(_ v: Int, _ prefix: String) -> String { v == Encoding.none ? "-" : "\(prefix)\(v)" }
        var lines: [String] = []
        var objects: [String] = []
        for o in 0..<b.objects {
            let status = ObjectStatus(rawValue: objectStatus[o]).map { "\($0)" } ?? "status?\(objectStatus[o])"
            var text = "o\(o):\(status)"
            if objectStatus[o] != ObjectStatus.free.rawValue || owner[o] != Encoding.none || parent[o] != Encoding.none || borrows[o] != 0 {
                text += " owner=\(name(owner[o], "d")) parent=\(name(parent[o], "o")) borrows=\(borrows[o])"
                if isContainer[o] { text += " container" }
            }
            objects.append(text)
        }
        lines.append("  objects: " + objects.joined(separator: "; "))
        lines.append("  domains: " + (0..<b.domains).map { d in
            let status = DomainStatus(rawValue: domainStatus[d]).map { "\($0)" } ?? "status?\(domainStatus[d])"
            return "d\(d):\(status) objects=\(objectsOwned[d]) pages=\(pagesOwned[d])"
        }.joined(separator: "; "))
        lines.append("  pages: " + pageOwner.enumerated().map { "p\($0.offset)=\(name($0.element, "d"))" }.joined(separator: " "))
        lines.append("  threads: " + (0..<b.threads).map { t in
            let status = ThreadStatus(rawValue: threadStatus[t]).map { "\($0)" } ?? "status?\(threadStatus[t])"
            let frames = (0..<max(0, min(depth[t], b.frames))).map { f -> String in
                let k = t * b.frames + f
                let lending = lent[k] == Encoding.none ? "" : " lends o\(lent[k])"
                return "\(name(caller[k], "d"))->\(name(callee[k], "d"))\(lending)"
            }
            return "t\(t):\(status) home=\(name(home[t], "d")) depth=\(depth[t]) [\(frames.joined(separator: ", "))]"
        }.joined(separator: "; "))
        let queue = (0..<b.threads).map { name(runQueue[$0], "t") }.joined(separator: " ")
        lines.append("  run queue: [\(queue)] length=\(runQueueLength); current: t\(currentThread) in \(name(currentDomain, "d"))")
        return lines.joined(separator: "\n")
    }

    /// The cells in which two states differ, as `name: mine vs theirs` (page identities are
    /// compared only when `pageIdentity` is set: an implementation may only count pages).
    public func differences(from other: SpecState<Concrete>, pageIdentity: Bool = true) -> [String] {
        var result: [String] = []
        func compare<T: Equatable>(_ name: String, _ a: [T], _ b: [T]) {
            for i in a.indices where a[i] != b[i] { result.append("\(name)[\(i)]: \(a[i]) vs \(b[i])") }
        }
        compare("objectStatus", objectStatus, other.objectStatus)
        compare("owner", owner, other.owner)
        compare("parent", parent, other.parent)
        compare("borrows", borrows, other.borrows)
        compare("isContainer", isContainer, other.isContainer)
        compare("domainStatus", domainStatus, other.domainStatus)
        compare("objectsOwned", objectsOwned, other.objectsOwned)
        compare("pagesOwned", pagesOwned, other.pagesOwned)
        compare("creator", creator, other.creator)
        if pageIdentity { compare("pageOwner", pageOwner, other.pageOwner) }
        compare("threadStatus", threadStatus, other.threadStatus)
        compare("home", home, other.home)
        compare("depth", depth, other.depth)
        compare("caller", caller, other.caller)
        compare("callee", callee, other.callee)
        compare("lent", lent, other.lent)
        compare("runQueue", runQueue, other.runQueue)
        compare("runQueueLength", [runQueueLength], [other.runQueueLength])
        compare("queueSlot", queueSlot, other.queueSlot)
        compare("currentThread", [currentThread], [other.currentThread])
        compare("currentDomain", [currentDomain], [other.currentDomain])
        return result
    }

    /// The invariants this state breaks.
    public var brokenInvariants: [Invariant] { Invariant.allCases.filter { !$0.holds(in: self) } }

    /// The step properties the step from this state to `after` breaks (no-overflow aside: it
    /// needs the prover's ledger).
    public func brokenProperties(to after: SpecState, by transition: Transition, _ arguments: [Int]) -> [TransitionProperty] {
        TransitionProperty.allCases.filter { p in
            p != .noOverflow && !p.holds(before: self, after: after, transition: transition, arguments: arguments)
        }
    }
}
