import LeafAbstraction
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Specs

/// Runs one operation sequence on LeafCore (booted by the caller) and on the concrete spec,
/// step for step, and compares the abstraction of LeafCore's tables with the spec state after
/// every step. Calls are real calls through the proxies: the steps between a call and its
/// `ret` run inside the callee, on the host stack, so a trap unwinds through them for real.
final class RefinementDriver {
    let bounds: Bounds
    private(set) var spec: SpecState<Concrete>
    private var ops: [RefinementOp]
    private var cursor = 0
    private var proxies: [ProbeProxy] = []
    /// What proxies point at before their domain's entry ran: the kernel domain's probe (the
    /// other domains' proxies never call it: enter refuses a domain that is not live).
    private let placeholder: Export<any Probe>
    private var pageBlocks: [UnsafeMutableRawPointer?]
    /// What each step did, for the failure report.
    private(set) var trace: [String] = []
    private(set) var failures: [String] = []
    /// Calls open on the host stack (the current thread's frames).
    private var level = 0
    /// Statistics, to show the sequences are not vacuous.
    private(set) var stepsApplied = 0
    private(set) var crashes = 0
    /// Calls that returned into a caller that crashed meanwhile, and were unwound past it.
    private(set) var returnsIntoDeadCallers = 0
    /// Steps with a reference to an earlier generation that LeafCore refused.
    private(set) var staleRefused = 0
    /// Consuming results that moved back to the caller: made in the callee, and exchanged (the
    /// consuming argument returned).
    private(set) var madeMovedBack = 0
    private(set) var exchangedMovedBack = 0
    /// Loans of an object lent to the lender (a relay's hop).
    private(set) var relays = 0
    private var made: [ObjectID] = []
    /// Whether each made object was still alive when the callee returned it.
    private var madeAlive: [ObjectID: Bool] = [:]

    init(ops: [RefinementOp], bounds: Bounds) {
        self.ops = ops
        self.bounds = bounds
        spec = SpecState.initial(bounds: bounds, logic: Concrete())
        pageBlocks = Array(repeating: nil, count: bounds.pages)
        let kernelProbe = RefinementProbe(driver: nil)
        placeholder = Export<any Probe>(kernelProbe)
        let unmanaged = Unmanaged.passUnretained(placeholder)
        proxies = (0..<bounds.domains).map { ProbeProxy(domain: DomainID(UInt16($0)), export: unmanaged) }
        // The kernel domain (always live) answers calls too, through the same probe.
        kernelProbe.driver = self
    }

    /// Runs the whole sequence; the failures say where the two sides first disagreed.
    func run() {
        compare(after: "boot")
        interpret()
        if failures.isEmpty, level != 0 { fail("host level \(level) after the sequence") }
    }

    /// Frees the sequence's history. A trap abandons the host frames between the faulting call
    /// and the call it unwinds to without releasing what they retained (this driver among
    /// them), so drivers leak; emptying them keeps 10,000 sequences within memory.
    func discardHistory() {
        trace = []
        ops = []
        failures = []
        made = []
        madeAlive = [:]
    }

    // MARK: Interpreting

    private func interpret() {
        let myLevel = level
        while cursor < ops.count, failures.isEmpty {
            let op = ops[cursor]
            cursor += 1
            if op == .ret {
                if myLevel > 0 { return }
                continue
            }
            perform(op)
            level = myLevel
            // A crash frees pages as a teardown does: a block pointer kept for a page the spec
            // now calls free could name a new block at the same address (host pages are reused).
            forgetFreedPages()
            compare(after: "\(op)")
        }
    }

    /// Called by the probe inside a callee: runs steps there until the sequence returns.
    func runInsideCall() {
        level += 1
        interpret()
    }

    func madeInsideCall(_ id: ObjectID) {
        made.append(id)
        applySpec(.alloc, [Int(id.index), 0], "make: alloc o\(id.index) in callee", mustBeAllowed: true)
    }

    func returningMade(_ id: ObjectID) {
        let e = Kernel.object(at: Int(id.index))
        madeAlive[id] = e.generation == id.generation && e.state != .free
    }

    private var current: Int { spec.currentThread }
    private var currentDepth: Int { spec.depth[spec.currentThread] }

    private func perform(_ op: RefinementOp) {
        if op.switchesThreads && level > 0 { trace.append("skip \(op) (inside a call)"); return }
        switch op {
        case .alloc(let container):
            var id: ObjectID? = nil
            if container {
                if let a = try? RRefArray<Int, 8>() { id = a._relinquish() }
            } else {
                if let r = try? RRef<Int>(0) { id = r._relinquish() }
            }
            if let id {
                applySpec(.alloc, [Int(id.index), container ? 1 : 0], "alloc o\(id.index)", mustBeAllowed: true)
            } else {
                expectRefused(.alloc, (0..<bounds.objects).map { [$0, container ? 1 : 0] }, "alloc refused")
            }

        case .stale(let use, let o, let other):
            performStale(use, o, other)

        case .drop(let o):
            applySpec(.drop, [o], "drop o\(o)", expected: drop(Kernel.objectID(at: o)))

        case .put(let e, let c):
            applySpec(.put, [e, c], "put o\(e) into o\(c)", expected: put(Kernel.objectID(at: e), into: c))

        case .take(let c):
            let slots = Kernel.elements(ofContainerAt: c)
            guard let slot = slots.firstIndex(where: { $0 != .none }) else {
                trace.append("take from o\(c): nothing held")
                return
            }
            let element = Int(slots[slot].index)
            var array = RRefArray<Int, 8>(_adopting: Kernel.objectID(at: c))
            let done: Bool
            do { let r = try array.take(at: slot); _ = r._relinquish(); done = true } catch { done = false }
            _ = array._relinquish()
            applySpec(.take, [element], "take o\(element) from o\(c)", expected: done)

        case .call(let d):
            let depthBefore = currentDepth
            let entered = applySpec(.call, [d], "call d\(d)")
            finishCall(entered, d, depthBefore) { () throws(RpcError) in try proxies[d].ping() }

        case .callLending(let d, let named):
            let depthBefore = currentDepth
            // A callee lending on what it was lent is a relay (kernel -> a -> b, one object):
            // inside a call that lent something, every other loan names that object.
            let topLent = currentDepth > 0 ? spec.lent[current * bounds.frames + currentDepth - 1] : Encoding.none
            let o = level > 0 && named % 2 == 0 && topLent != Encoding.none ? topLent : named
            let relayed = spec.objectStatus.indices.contains(o) && spec.owner[o] != spec.currentDomain
            let entered = applySpec(.callLending, [d, o], "call d\(d) lending o\(o)\(relayed ? " (relayed)" : "")")
            if entered && relayed { relays += 1 }
            let lent = RRef<Int>(_adopting: Kernel.objectID(at: o))
            var outcome: RpcError? = nil
            do { _ = try proxies[d].inspect(lent) } catch { outcome = error }
            _ = lent._relinquish()
            settle(outcome, entered: entered, callee: d, depthBefore: depthBefore) { applySpec(.ret, [], "return from d\(d)", mustBeAllowed: true) }

        case .callMoving(let d, let o):
            let depthBefore = currentDepth
            let entered = applySpec(.callMoving, [d, o], "call d\(d) moving o\(o)")
            let refusedBefore = Kernel.refusedDrops
            let moving = RRef<Int>(_adopting: Kernel.objectID(at: o))
            var outcome: RpcError? = nil
            do { _ = try proxies[d].keep(moving) } catch { outcome = error }
            settle(outcome, entered: entered, callee: d, depthBefore: depthBefore) { applySpec(.ret, [], "return from d\(d)", mustBeAllowed: true) }
            if !entered { dropsRefusedArgument(o, refusedBefore: refusedBefore) }

        case .callMaking(let d):
            let depthBefore = currentDepth
            let entered = applySpec(.call, [d], "call d\(d).make")
            let madeBefore = made.count
            var result: ObjectID? = nil
            let outcome = callOutcome { () throws(RpcError) in
                let r = try proxies[d].make(0)
                result = r._relinquish()
            }
            settle(outcome == .ownershipViolation ? nil : outcome, entered: entered, callee: d, depthBefore: depthBefore) {
                returnMoving(made.count > madeBefore ? made[madeBefore] : nil, from: d)
            }
            made.removeSubrange(madeBefore...)
            madeAlive = [:]
            _ = result

        case .callExchanging(let d, let o):
            let depthBefore = currentDepth
            let entered = applySpec(.callMoving, [d, o], "call d\(d).exchange moving o\(o)")
            let refusedBefore = Kernel.refusedDrops
            let id = Kernel.objectID(at: o)
            var result: ObjectID? = nil
            let outcome = callOutcome { () throws(RpcError) in
                let r = try proxies[d].exchange(RRef<Int>(_adopting: id))
                result = r._relinquish()
            }
            // ownershipViolation from a call that entered: its result could not move back.
            settle(outcome == .ownershipViolation && entered ? nil : outcome, entered: entered, callee: d, depthBefore: depthBefore) {
                returnMoving(id, from: d)
            }
            if !entered { dropsRefusedArgument(o, refusedBefore: refusedBefore) }
            madeAlive = [:]
            _ = result

        case .trap(let d):
            let entered = applySpec(.call, [d], "trap: call d\(d)")
            if entered {
                applySpec(.crash, [d], "crash d\(d)", mustBeAllowed: true)
                crashes += 1
            }
            // One trap in 16 is reported by the runtime (an index out of range, which costs the
            // host process memory: see commitTrap); the rest are overflow traps.
            let kind: TrapKind = crashes % 16 == 0 ? .indexOutOfRange : .overflow
            let outcome = callOutcome { () throws(RpcError) in try proxies[d].trap(kind) }
            if entered {
                if outcome != .domainCrashed { fail("trap in d\(d): expected domainCrashed, got \(describe(outcome))") }
            } else if outcome == nil || outcome == .domainCrashed {
                fail("trap in d\(d): the spec refuses the call, LeafCore gave \(describe(outcome))")
            }

        case .createDomain:
            guard currentDepth < bounds.frames else { trace.append("skip create (stack full: start could not run)"); return }
            do {
                let d = try Kernel.createDomain(name: "refinement")
                applySpec(.createDomain, [Int(d.raw)], "create d\(d.raw)", mustBeAllowed: true)
                try Kernel.start(d) { [unowned self] in self.populate(d) }
            } catch {
                expectRefused(.createDomain, (0..<bounds.domains).map { [$0] }, "create refused (\(error))")
            }

        case .tearDown(let d):
            let done: Bool
            do { try Kernel.tearDown(DomainID(UInt16(d))); done = true } catch { done = false }
            applySpec(.tearDown, [d], "teardown d\(d)", expected: done)
            forgetFreedPages()

        case .restart(let d):
            // A restart whose entry finds no free frame still happens: it fails and leaves the
            // domain crashed, on both sides.
            let done: Bool
            do { try Kernel.restart(DomainID(UInt16(d))); done = true }
            catch .entryDidNotRun { done = true }
            catch { done = false }
            applySpec(.restart, [d], "restart d\(d)", expected: done)

        case .spawn(let h):
            do {
                let t = try Kernel.spawnThread(home: DomainID(UInt16(h)))
                applySpec(.spawn, [Int(t.raw), h], "spawn t\(t.raw) in d\(h)", mustBeAllowed: true)
            } catch {
                expectRefused(.spawn, (0..<bounds.threads).map { [$0, h] }, "spawn in d\(h) refused")
            }

        case .exit(let t):
            let done: Bool
            do { try Kernel.exit(ThreadID(UInt16(t))); done = true } catch { done = false }
            applySpec(.exit, [t], "exit t\(t)", expected: done)

        case .block:
            let done: Bool
            do { _ = try Kernel.block(); done = true } catch { done = false }
            applySpec(.block, [], "block", expected: done)

        case .wake(let t):
            let done: Bool
            do { try Kernel.wake(ThreadID(UInt16(t))); done = true } catch { done = false }
            applySpec(.wake, [t], "wake t\(t)", expected: done)

        case .yield, .preempt:
            // With nobody ready, LeafCore keeps running the same thread; the spec's guard refuses.
            let someoneReady = !Kernel.runQueue.isEmpty
            if op == .yield { Kernel.yield() } else { Kernel.preempt() }
            applySpec(op == .yield ? .yield : .preempt, [], "\(op)", expected: someoneReady)

        case .allocPage:
            guard let p = (0..<bounds.pages).first(where: { spec.pageOwner[$0] == Encoding.none }) else {
                trace.append("skip alloc page (the spec's pages are all in use)")
                return
            }
            let block = Kernel.allocatePrivate(size: pageSize - 64, alignment: 8)
            pageBlocks[p] = block
            applySpec(.allocPage, [p], "alloc page p\(p)", expected: block != nil)

        case .freePage(let p):
            guard let block = pageBlocks[p] else { trace.append("skip free page p\(p) (not allocated)"); return }
            let done = Kernel.freePrivate(block)
            if done { pageBlocks[p] = nil }
            applySpec(.freePage, [p], "free page p\(p)", expected: done)

        case .ret:
            break
        }
    }

    /// The proxy consumed the argument of a call that never started, so it dropped it (Swift's
    /// semantics of a consumed RRef); the drop is refused unless the caller owned it outright.
    private func dropsRefusedArgument(_ o: Int, refusedBefore: Int) {
        let dropped = Kernel.refusedDrops == refusedBefore
        applySpec(.drop, [o], "refused call drops its consuming argument o\(o)", expected: dropped)
    }

    /// The return of a call whose consuming result is `id` (nil: the callee returned nothing it
    /// was tracked making). The result moves back if the callee still owns it, unlent; otherwise
    /// the caller's proxy gets ownershipViolation and leaves it where it is, as the spec does.
    private func returnMoving(_ id: ObjectID?, from d: Int) {
        guard let id, let alive = madeAlive[id] else {
            applySpec(.ret, [], "return (nothing made)", mustBeAllowed: true)
            return
        }
        let o = Int(id.index)
        // The spec has no generations: a reference gone stale during the call is no object.
        guard alive else { applySpec(.ret, [], "return (result gone)", mustBeAllowed: true); return }
        let popped = spec.applying(.ret, [])!
        let movable = popped.objectStatus[o] == ObjectStatus.owned.rawValue && popped.owner[o] == d && popped.borrows[o] == 0
        applySpec(.retMoving, [o], "return moving o\(o)", mustBeAllowed: true)
        if movable { if made.contains(id) { madeMovedBack += 1 } else { exchangedMovedBack += 1 } }
        if !movable {
            let e = Kernel.object(at: o)
            if e.generation != id.generation || e.state == .free { fail("refused result o\(o) was dropped") }
        }
    }

    /// The domain's entry (on create and restart): a fresh probe behind its proxy.
    private func populate(_ d: DomainID) {
        proxies[Int(d.raw)] = ProbeProxy(domain: d, target: RefinementProbe(driver: self))
    }

    // MARK: Calls

    /// Runs a call; nil when it returned, else the error it threw.
    private func callOutcome(_ body: () throws(RpcError) -> Void) -> RpcError? {
        do { try body(); return nil } catch { return error }
    }

    /// Completes a plain call: on return the spec pops the frame.
    private func finishCall(_ entered: Bool, _ d: Int, _ depthBefore: Int, _ body: () throws(RpcError) -> Void) {
        settle(callOutcome(body), entered: entered, callee: d, depthBefore: depthBefore) {
            applySpec(.ret, [], "return from d\(d)", mustBeAllowed: true)
        }
    }

    /// `depthBefore`: the spec's depth when the call was made, to tell a call the crash itself
    /// unwound (the spec popped its frame at the crash) from one unwound past later, when a call
    /// above it returned into its crashed callee (the spec pops it at that return).
    private func settle(_ outcome: RpcError?, entered: Bool, callee d: Int, depthBefore: Int, returned: () -> Void) {
        switch outcome {
        case nil:
            if !entered { fail("call into d\(d): the spec refuses it, LeafCore made it") } else { returned() }
        case .domainCrashed?:
            // A trap inside unwound to this call; the spec crashed the domain at the trap.
            if !entered { fail("call into d\(d): the spec refuses it, LeafCore reports a crash"); return }
            if currentDepth > depthBefore {
                // d crashed inside a call it made, which returned domainCrashed to d's callee;
                // that callee's return into the dead d unwound to this call.
                applySpec(.ret, [], "a return into the dead d\(d) unwinds to this call", mustBeAllowed: true)
                returnsIntoDeadCallers += 1
                if currentDepth != depthBefore { fail("the spec unwound to depth \(currentDepth), LeafCore to \(depthBefore)") }
            }
            trace.append("call into d\(d) ended by a crash")
        case .invalidArgument?:
            // The callee refused (make: the object table was full); the frame was popped.
            if !entered { fail("call into d\(d): the spec refuses it, LeafCore ran it") } else { returned() }
        case let error?:
            if entered { fail("call into d\(d): the spec enters it, LeafCore refused: \(error)") }
        }
    }

    private func describe(_ outcome: RpcError?) -> String { outcome.map { "\($0)" } ?? "a normal return" }

    // MARK: The spec side

    /// A reference to an earlier generation of row `o`: LeafCore must refuse whatever it is used
    /// for, and change nothing (the spec takes no step; `compare` checks that nothing moved).
    private func performStale(_ use: StaleUse, _ o: Int, _ other: Int) {
        let current = Kernel.objectID(at: o)
        let stale = ObjectID(index: current.index, generation: current.generation &- 1)
        let note = "\(use) stale o\(o)"
        var done = false
        switch use {
        case .drop: done = drop(stale)
        case .put: done = put(stale, into: other)
        case .lend, .move:
            // Into a live domain other than the current one and the thread's home, so that only
            // the reference can make the call fail.
            let d = other % bounds.domains
            guard d != 0, spec.domainStatus[d] == DomainStatus.live.rawValue, d != spec.home[spec.currentThread],
                  d != spec.currentDomain, currentDepth < bounds.frames else { trace.append("skip \(note) (no domain to call)"); return }
            let r = RRef<Int>(_adopting: stale)
            var outcome: RpcError? = nil
            if use == .lend {
                do { _ = try proxies[d].inspect(r) } catch { outcome = error }
                _ = r._relinquish()
            } else {
                let refusedBefore = Kernel.refusedDrops
                do { _ = try proxies[d].keep(r) } catch { outcome = error }
                // The proxy consumed the argument of a call that never started and dropped it:
                // that drop must be refused too.
                if Kernel.refusedDrops == refusedBefore { fail("\(note): the dropped stale reference was not refused") }
            }
            done = outcome != .ownershipViolation
        }
        trace.append("\(note): LeafCore \(done ? "did it" : "refused it")")
        if done { fail("\(note): LeafCore accepted a reference to an earlier generation of row \(o)") } else { staleRefused += 1 }
    }

    /// Drops the object `id` names as a domain's RRef does; whether LeafCore did (not refused).
    private func drop(_ id: ObjectID) -> Bool {
        let refusedBefore = Kernel.refusedDrops
        do { _ = RRef<Int>(_adopting: id) }
        return Kernel.refusedDrops == refusedBefore
    }

    /// Puts the object `id` names into the first free slot of container row `c`; whether
    /// LeafCore did (a refused element comes back and is let go, not dropped).
    private func put(_ id: ObjectID, into c: Int) -> Bool {
        var array = RRefArray<Int, 8>(_adopting: Kernel.objectID(at: c))
        let slot = Kernel.elements(ofContainerAt: c).firstIndex(of: .none) ?? 0
        let back = array.put(RRef<Int>(_adopting: id), at: slot)
        let done = back == nil
        if let back { _ = back._relinquish() }
        _ = array._relinquish()
        return done
    }

    /// Applies a transition to the spec. Returns whether its guard allowed it.
    @discardableResult
    private func applySpec(_ t: Transition, _ args: [Int], _ note: String, mustBeAllowed: Bool = false) -> Bool {
        if let next = spec.applying(t, args) {
            // LeafCore's step is compared with this one after it, so the step properties the
            // prover proves of the spec are checked of the steps LeafCore takes too.
            for p in spec.brokenProperties(to: next, by: t, args) { fail("\(note): the step breaks \(p.name) (\(p.summary))") }
            spec = next
            stepsApplied += 1
            trace.append("\(note): spec \(t.name)(\(args.map(String.init).joined(separator: ", ")))")
            return true
        }
        trace.append("\(note): spec refuses \(t.name)(\(args.map(String.init).joined(separator: ", ")))")
        if mustBeAllowed { fail("\(note): LeafCore did it, the spec refuses \(t.name)\(args)") }
        return false
    }

    /// Applies a transition LeafCore did (`expected`) or refused, and checks the spec agrees.
    private func applySpec(_ t: Transition, _ args: [Int], _ note: String, expected done: Bool) {
        let allowed = applySpec(t, args, note)
        if allowed != done {
            fail("\(note): LeafCore \(done ? "did it" : "refused it"), the spec \(allowed ? "allows" : "refuses") \(t.name)\(args)")
        }
    }

    private func expectRefused(_ t: Transition, _ argumentSets: [[Int]], _ note: String) {
        trace.append(note)
        for args in argumentSets where spec.applying(t, args) != nil {
            fail("\(note): LeafCore refused, the spec allows \(t.name)\(args)")
            return
        }
    }

    private func forgetFreedPages() {
        for p in 0..<bounds.pages where spec.pageOwner[p] == Encoding.none { pageBlocks[p] = nil }
    }

    // MARK: Comparing

    private func compare(after step: String) {
        guard failures.isEmpty else { return }
        let actual: SpecState<Concrete>
        do { actual = try Abstraction.state(pages: bounds.pages) } catch {
            fail("after \(step): no abstraction of LeafCore's tables: \(error)")
            return
        }
        let differences = spec.differences(from: actual, pageIdentity: false)
        if !differences.isEmpty {
            fail("""
                after \(step): LeafCore and the spec disagree (spec vs LeafCore): \(differences.joined(separator: "; "))
                spec:
                \(spec.description)
                LeafCore (abstracted):
                \(actual.description)
                """)
        }
        if level != currentDepth && failures.isEmpty {
            fail("after \(step): \(level) calls open on the host, the spec's current thread has \(currentDepth) frames")
        }
    }

    /// Checks the invariants on both sides (the runtime monitor's check, and the spec's own).
    func checkInvariants() {
        guard failures.isEmpty else { return }
        if let actual = try? Abstraction.state(pages: bounds.pages), !actual.brokenInvariants.isEmpty {
            fail("LeafCore's abstracted state breaks \(actual.brokenInvariants.map(\.name))")
        }
        if !spec.brokenInvariants.isEmpty { fail("the spec's state breaks \(spec.brokenInvariants.map(\.name))") }
    }

    private func fail(_ message: String) { failures.append(message) }
}
