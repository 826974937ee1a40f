import Glibc
import LeafAbstraction
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import PropertyBased
import Specs
import Testing

/// The spec's universes for the refinement runs, and LeafCore configured to match them.
let refinementBounds = Bounds(objects: 5, domains: 4, threads: 3, frames: 4, pages: 3)
let refinementConfiguration = KernelConfiguration(objectCapacity: 5, domainCapacity: 4, threadCapacity: 3, frameDepth: 4)

/// Runs one sequence on a freshly booted kernel (HostPlatform.withKernel holds the process-wide
/// kernel lock, so this never overlaps other test targets' kernels) and returns the driver.
func runRefinement(_ raw: [UInt32]) -> (RefinementDriver, [RefinementOp]) {
    let b = refinementBounds
    let ops = raw.map { RefinementOp($0, objects: b.objects, domains: b.domains, threads: b.threads, pages: b.pages) }
    return (runRefinement(ops: ops), ops)
}

/// Runs one sequence of steps (random or written out) on a freshly booted kernel; with
/// `observing`, LeafCore's transition observer (the debug kernel's hook) checks the spec's
/// invariants after every transition inside the steps too (`ObservedInvariants`).
func runRefinement(ops: [RefinementOp], observing: Bool = false) -> RefinementDriver {
    let driver = RefinementDriver(ops: ops, bounds: refinementBounds)
    let (_, report) = HostPlatform.withKernel(refinementConfiguration) { _ in
        // Set and cleared inside the kernel's turn: no other test's kernel is observed.
        if observing { Kernel.transitionObserver = ObservedInvariants.observe }
        driver.run()
        Kernel.transitionObserver = nil
        driver.checkInvariants()
    }
    if driver.failures.isEmpty && (report.pagesLeft != 0 || report.objectsLeft != 0) {
        Issue.record("shutdown found \(report.pagesLeft) pages and \(report.objectsLeft) objects still accounted")
    }
    return driver
}

/// Records a divergence with everything needed to replay it.
func reportDivergence(_ driver: RefinementDriver, _ ops: [RefinementOp], _ raw: [UInt32]) {
    Issue.record("""
        refinement divergence: \(driver.failures.joined(separator: "\n"))
        sequence (\(ops.count) steps): \(ops.map(\.description).joined(separator: "; "))
        replay seed (the raw step numbers): runRefinement(\(raw))
        trace:
        \(driver.trace.suffix(40).joined(separator: "\n"))
        """)
}

@Suite(.serialized) struct RefinementTests {
    /// 9,000 + 5,000 = 14,000 sequences per `swift test`; SPECS_SEQUENCES overrides both counts
    /// (`make soak`: 50,000 each). The long run was held at 1,000 after one long sequence in a
    /// few thousand drove the process out of memory (24 GB): the run queue's walk, which
    /// allocates, had no bound (it is now bounded by the thread table; a cycle in the queue is
    /// reported as a divergence). The linear growth that remained (440 MB after 5,000 long
    /// sequences) was the runtime's fatal-error reporter, about 73 KB a reported trap
    /// (TrapMemoryTests); with one trap in 16 reported, 5,000 long sequences peak at 33 MB.
    static let override = getenv("SPECS_SEQUENCES").flatMap { Int(String(cString: $0)) }
    static let mixedSequences = override ?? 9_000
    static let longSequences = override ?? 5_000
    /// SPECS_NO_SHRINKING: report the first divergence as found (`make mutants`, where only
    /// whether the tests fail matters).
    static let shrinks = getenv("SPECS_NO_SHRINKING") == nil

    /// The debug kernel's hook on the host: the spec's invariants hold after every transition
    /// LeafCore makes, not only between the steps the driver compares (inside a call's set-up
    /// and unwinding, a crash's teardown, a refused argument's undo).
    @Test func invariantsHoldAfterEveryTransition() async {
        ObservedInvariants.transitions = 0
        var sequences = 0
        await propertyCheck(count: 1_000, input: Gen.uint32().array(of: 10...40)) { raw in
            ObservedInvariants.broken = []
            let b = refinementBounds
            let ops = raw.map { RefinementOp($0, objects: b.objects, domains: b.domains, threads: b.threads, pages: b.pages) }
            let driver = runRefinement(ops: ops, observing: true)
            sequences += 1
            if !driver.failures.isEmpty { reportDivergence(driver, ops, raw) }
            #expect(ObservedInvariants.broken.isEmpty, "after \(ops.map(\.description).joined(separator: "; ")): \(ObservedInvariants.broken)")
            driver.discardHistory()
        }
        print("refinement (observed): \(sequences) sequences, the spec's invariants checked after each of \(ObservedInvariants.transitions) transitions")
        #expect(ObservedInvariants.transitions > sequences * 5)
    }

    /// A generated proxy whose second `consuming` argument is refused gives the first back only
    /// once the frame is popped: moved back inside the call, the transition would leave the
    /// caller current under a frame naming the callee (a violation any caller could provoke).
    @Test func aRefusedSecondMoveIsUndoneAfterTheFrameIsPopped() throws {
        ObservedInvariants.transitions = 0
        ObservedInvariants.broken = []
        let (_, report) = try HostPlatform.withKernel(refinementConfiguration) { _ in
            let mailbox = try MailboxProxy.spawn(name: "mailbox") { RefusingMailbox() }
            let stale = try RRef(Request(tag: 2, payload: 2)).id   // dropped: its ID is stale
            let live = Kernel.liveObjects
            let first = try RRef(Request(tag: 1, payload: 1))
            Kernel.transitionObserver = ObservedInvariants.observe
            defer { Kernel.transitionObserver = nil }
            do throws(RpcError) {
                _ = try mailbox.pair(first, with: RRef<Request>(_adopting: stale))
                Issue.record("a stale second argument was not refused")
            } catch { #expect(error == .ownershipViolation) }
            #expect(ObservedInvariants.transitions >= 3)
            #expect(ObservedInvariants.broken.isEmpty, "\(ObservedInvariants.broken)")
            // The first argument came back to the caller, whose handle then dropped it: it did
            // not stay behind with the callee.
            #expect(Kernel.objectsOwned(by: mailbox.domain) == 0)
            #expect(Kernel.liveObjects == live)
        }
        #expect(report.objectsLeft == 0 && report.pagesLeft == 0)
    }

    /// LeafCore and the concrete spec, side by side on random sequences; compared after every step.
    @Test(.shrinking(RefinementTests.shrinks)) func leafCoreRefinesTheSpecification() async {
        await check(count: Self.mixedSequences, lengths: 10...40, label: "mixed")
    }

    /// Written-out sequences for what random ones rarely build: a domain that lent an object
    /// (or a container) and is called back while the loan is open tries to put it, take from
    /// it, drop it and move it; a creator restarts a crashed domain that a frame still names,
    /// or with no frame free for its entry; a loan relayed through three domains, then one
    /// whose last hop traps.
    /// Rows are deterministic: objects are allocated from row 0 up, domains from 1.
    @Test func rarePathsRefineTheSpecification() {
        let lendThenCallBack: [RefinementOp] = [
            .createDomain, .createDomain, .call(domain: 1),
            .alloc(container: true), .alloc(container: false), .alloc(container: false),
        ]
        // Each sequence, and what its trace must show at least `times` times (it is not vacuous).
        let scenarios: [(ops: [RefinementOp], reached: String, times: Int)] = [
            // o1 lent to d2; d2 calls d1 back; d1 tries everything on o1.
            (lendThenCallBack + [
                .callLending(domain: 2, object: 1), .call(domain: 1),
                .put(element: 1, container: 0), .drop(object: 1), .callMoving(domain: 2, object: 1),
                .put(element: 2, container: 0), .take(container: 0),
                .ret, .ret, .put(element: 1, container: 0), .ret,
            ], "spec refuses", 3),
            // o1 held in container o0, o0 lent to d2; d1, called back, changes neither.
            (lendThenCallBack + [
                .put(element: 1, container: 0), .callLending(domain: 2, object: 0), .call(domain: 1),
                .put(element: 2, container: 0), .take(container: 0), .drop(object: 0), .callMoving(domain: 2, object: 0),
                .ret, .ret, .take(container: 0), .ret,
            ], "spec refuses", 4),
            // An element is not lent on its own (both sides refuse); its container is, and the
            // element cannot be taken out of it meanwhile.
            (lendThenCallBack + [
                .put(element: 1, container: 0), .callLending(domain: 2, object: 1), .callLending(domain: 2, object: 0),
                .call(domain: 1), .take(container: 0), .drop(object: 0),
                .ret, .ret, .ret,
            ], "spec refuses", 3),
            // d1 creates d2 and calls it; d2 calls d1 back, which crashes d2 (a trap in it) and,
            // as d2's creator, tries to restart it while the frame d1 → d2 is still open.
            ([
                .createDomain, .call(domain: 1), .createDomain, .call(domain: 2), .call(domain: 1),
                .trap(domain: 2), .restart(domain: 2), .tearDown(domain: 2), .ret, .restart(domain: 2), .ret,
            ], "spec refuses restart(2)", 1),
            // d2 creates d3, which crashes; with every frame taken (4: d1, d2, d1, d2), d2 restarts
            // it: the entry cannot run, so the restart fails and d3 stays crashed (issue 13's B1);
            // from the kernel, with frames free, it comes back.
            ([
                .createDomain, .createDomain, .call(domain: 2), .createDomain, .trap(domain: 3), .ret,
                .call(domain: 1), .call(domain: 2), .call(domain: 1), .call(domain: 2), .restart(domain: 3),
                .ret, .ret, .ret, .ret, .restart(domain: 3), .call(domain: 3), .ret,
            ], "spec restart(3)", 2),
            // kernel -> d1 -> d2 -> d3 lending o0 all the way; d3 cannot drop or move it. Then
            // again with d3 trapping: d2's call returns domainCrashed, d2 and d1 return, and the
            // loan ends with the calls (the kernel drops o0).
            ([
                .createDomain, .createDomain, .createDomain, .alloc(container: false),
                .callLending(domain: 1, object: 0), .callLending(domain: 2, object: 0), .callLending(domain: 3, object: 0),
                .drop(object: 0), .callMoving(domain: 1, object: 0), .ret, .ret, .ret,
                .callLending(domain: 1, object: 0), .callLending(domain: 2, object: 0), .trap(domain: 3),
                .drop(object: 0), .ret, .ret, .drop(object: 0),
            ], "(relayed)", 3),
        ]
        for (ops, reached, times) in scenarios {
            let driver = runRefinement(ops: ops)
            if !driver.failures.isEmpty {
                Issue.record("""
                    refinement divergence: \(driver.failures.joined(separator: "\n"))
                    sequence: \(ops.map(\.description).joined(separator: "; "))
                    trace:
                    \(driver.trace.suffix(40).joined(separator: "\n"))
                    """)
            }
            #expect(driver.trace.filter { $0.contains(reached) }.count >= times, "\(driver.trace.joined(separator: "; "))")
        }
    }

    /// Longer sequences: deeper nests, more crashes and restarts.
    @Test(.shrinking(RefinementTests.shrinks)) func leafCoreRefinesTheSpecificationOnLongSequences() async {
        await check(count: Self.longSequences, lengths: 40...80, label: "long")
    }

    func check(count: Int, lengths: ClosedRange<Int>, label: String) async {
        var steps = 0, crashes = 0, sequences = 0, deadReturns = 0, stale = 0, made = 0, exchanged = 0, relays = 0
        await propertyCheck(count: count, input: Gen.uint32().array(of: lengths)) { raw in
            let (driver, ops) = runRefinement(raw)
            sequences += 1
            steps += driver.stepsApplied
            crashes += driver.crashes
            deadReturns += driver.returnsIntoDeadCallers
            stale += driver.staleRefused
            made += driver.madeMovedBack
            exchanged += driver.exchangedMovedBack
            relays += driver.relays
            if !driver.failures.isEmpty { reportDivergence(driver, ops, raw) }
            driver.discardHistory()
        }
        print("refinement (\(label)): \(sequences) sequences, \(steps) spec steps taken, \(crashes) crashes, \(deadReturns) returns into a crashed caller unwound past it, \(stale) stale references refused, \(made) made and \(exchanged) exchanged results moved back, \(relays) loans relayed on by the borrower, compared after every step")
        // Not vacuous: most steps are allowed ones, and domains really crashed.
        #expect(steps > sequences * 3)
        #expect(crashes > sequences / 20)
        #expect(stale > sequences / 20)
        #expect(made > sequences / 50 && exchanged > sequences / 100)
        // Relays (a borrower lending on) need a loan open, a live domain to call and the same
        // object named again: rare, and written out in rarePathsRefineTheSpecification too.
        #expect(relays > 0 || count < 5_000)
        // Returns into a crashed caller are rare in short sequences (about one in a thousand):
        // a shorter run (`make mutants`) need not meet one.
        #expect(deadReturns > 0 || count < 5_000)
    }
}

/// The transition observer of `invariantsHoldAfterEveryTransition`: the abstraction of LeafCore's
/// tables after each transition, and the invariants it breaks.
enum ObservedInvariants {
    nonisolated(unsafe) static var transitions = 0
    nonisolated(unsafe) static var broken: [String] = []

    static let observe: @convention(c) () -> Void = {
        ObservedInvariants.transitions += 1
        guard ObservedInvariants.broken.count < 5 else { return }
        do throws(AbstractionError) {
            let s = try Abstraction.state(pages: refinementBounds.pages + 8)
            for i in s.brokenInvariants { ObservedInvariants.broken.append("\(i.name) at transition \(ObservedInvariants.transitions)") }
        } catch { ObservedInvariants.broken.append("abstraction: \(error)") }
    }
}

/// A mailbox that takes no call: `pair`'s second argument is refused before it could run.
final class RefusingMailbox: Mailbox {
    func status() throws(RpcError) -> MailboxStatus { throw .invalidArgument }
    func post(_ batch: consuming RRefDeque<Request, 16>, urgent: Bool) throws(RpcError) -> Int { throw .invalidArgument }
    func find(tag: UInt32, in batch: borrowing RRefDeque<Request, 16>) throws(RpcError) -> Request? { throw .invalidArgument }
    func pair(_ first: consuming RRef<Request>, with second: consuming RRef<Request>) throws(RpcError) -> RRefArray<Request, 2> { throw .invalidArgument }
    func take() throws(RpcError) -> RRef<Request> { throw .invalidArgument }
    func connect(to peer: any Mailbox) throws(RpcError) { throw .invalidArgument }
    func peer() throws(RpcError) -> any Mailbox { throw .invalidArgument }
    func askProbe(_ probe: any Probe, _ a: Int, _ b: Int) throws(RpcError) -> Int { throw .invalidArgument }
}
