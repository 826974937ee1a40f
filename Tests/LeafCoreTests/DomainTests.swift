@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing

@Suite struct DomainTests {
    @Test func teardownReclaimsObjectsContainerElementsAndPages() throws {
        let (_, report) = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "owner")
            let pagesBefore = Kernel.pagesInUse
            let sharedPagesBefore = Kernel.sharedHeapPages
            let objectsBefore = Kernel.liveObjects
            try Kernel.run(in: d) {
                for i in 0..<3 { _ = try! RRef(i)._relinquish() }
                var deque = try! RRefDeque<Int, 4>()
                for i in 0..<4 { _ = deque.push(try! RRef(i)) }
                _ = deque._relinquish()
                for size in [24, 200, 3000, 9000] { _ = Kernel.allocatePrivate(size: size, alignment: 16) }
                _ = Kernel.allocatePrivate(size: 64, alignment: 4096)
            }
            #expect(Kernel.objectsOwned(by: d) == 4)       // 3 values and the deque; elements are held
            #expect(Kernel.liveObjects == objectsBefore + 8)
            #expect(Kernel.pages(of: d) > 0)
            try Kernel.tearDown(d)
            #expect(Kernel.liveObjects == objectsBefore)
            #expect(Kernel.pages(of: d) == 0)
            #expect(Kernel.objectsOwned(by: d) == 0)
            // Every private page went back; the shared heap keeps the slab pages it grew for
            // reuse, and nothing else is left.
            #expect(Kernel.pagesInUse == pagesBefore + (Kernel.sharedHeapPages - sharedPagesBefore))
            #expect(Kernel.pagesInUse == Kernel.sharedHeapPages + Kernel.pages(of: .kernel))
        }
        #expect(report == .init(pagesLeft: 0, objectsLeft: 0, hostPagesLeaked: 0))
    }

    @Test func containersMoveWithTheirElements() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            var batch = try RRefDeque<Int, 32>()
            for i in 0..<32 { #expect(batch.push(try RRef(i)) == nil) }
            var back = try p.batch(batch)
            #expect(Kernel.objectsOwned(by: p.domain) == 0)
            #expect(Kernel.objectsOwned(by: .kernel) == 1)
            for i in 0..<32 { #expect(try back.pop()?.read() == i + 1) }
        }
    }

    @Test func nestedCrashUnwindsToTheCallSiteOfTheCrashedDomainOnly() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let a = try probes.spawn("a"), b = try probes.spawn("b"), c = try probes.spawn("c")
            let value = try RRef(11)
            // kernel → a → b → c, c traps: b's call into c fails; b turns that into its own
            // answer (RpcError propagates as a thrown error), a and b stay live.
            #expect(try a.relay(Route([b.domain, c.domain]), 0, value) == 11)
            #expect(throws: RpcError.domainCrashed) {
                try a.relay(Route([b.domain, c.domain], trapAt: 2), 0, value)
            }
            #expect(Kernel.state(of: a.domain) == .live)
            #expect(Kernel.state(of: b.domain) == .live)
            #expect(Kernel.state(of: c.domain) == .crashed)
            #expect(Kernel.object(at: Int(value.id.index)).borrows == 0)
            #expect(Kernel.frames(of: Kernel.currentThread).isEmpty)
            #expect(try a.relay(Route([b.domain]), 0, value) == 11)
        }
    }

    /// kernel → a → b → a, the inner a traps. b, in the middle of its call, is told: its call
    /// into a returns domainCrashed, its error path and `defer` run, and it can go on working;
    /// when it returns into the dead a, the kernel's own call into a gets domainCrashed.
    @Test func aReentrantCrashTellsEachCallerInTurn() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let a = try probes.spawn("a")
            let witness = CallerWitness()
            let b = try ProbeProxy.spawn(name: "b") { CallerUnderCrash(calling: { probes.proxies[$0] }, witness: witness) }
            probes.proxies[b.domain] = b
            let c = try probes.spawn("c")
            witness.afterwards = c
            let value = try RRef(5)
            #expect(throws: RpcError.domainCrashed) {
                try a.relay(Route([b.domain, a.domain], trapAt: 2), 0, value)
            }
            #expect(witness.sawError == .domainCrashed)
            #expect(witness.deferRan)
            #expect(witness.workedOn == 7)                  // b called c after the crash
            #expect(witness.stateOfCrashed == .crashed)     // and a was already gone then
            #expect(Kernel.state(of: a.domain) == .crashed)
            #expect(Kernel.state(of: b.domain) == .live)
            #expect(Kernel.frames(of: Kernel.currentThread).isEmpty)
            #expect(Kernel.object(at: Int(value.id.index)).borrows == 0)
            #expect(kernelViolations().isEmpty)
            try b.ping()
            try Kernel.restart(a.domain)
            #expect(try a.relay(Route([b.domain, c.domain]), 0, value) == 5)
        }
    }

    /// Fault injection (Rv6's `crash DOMAIN`): the next call into the domain, whoever makes it,
    /// takes the fault in the callee, through the trap handler, and nothing of its code runs;
    /// only the kernel and the domain's creator may arm one.
    @Test func anInjectedFaultCrashesTheCalleeAtItsNextCall() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn("target"), q = try probes.spawn("other")
            for fault in [InjectedFault.trap, .exception] {
                try Kernel.injectFault(fault, into: p.domain)
                #expect(Kernel.armedFault(of: p.domain) == fault)
                #expect(try q.add(2, 2) == 4)                       // another domain is not touched
                #expect(throws: RpcError.domainCrashed) { try p.add(1, 1) }
                #expect(Kernel.state(of: p.domain) == .crashed)
                #expect(Kernel.armedFault(of: p.domain) == .none)
                #expect(Kernel.frames(of: Kernel.currentThread).isEmpty)
                try Kernel.restart(p.domain)
                #expect(try p.add(1, 1) == 2)                       // a restart does not re-arm it
            }
            // Armed, then torn down: the new incarnation starts without it.
            try Kernel.injectFault(.trap, into: p.domain)
            try Kernel.tearDown(p.domain)
            try Kernel.restart(p.domain)
            #expect(Kernel.armedFault(of: p.domain) == .none)
            #expect(try p.add(3, 4) == 7)
            #expect(throws: KernelError.kernelDomain) { try Kernel.injectFault(.trap, into: .kernel) }
            var refusal: KernelError? = nil
            try Kernel.run(in: q.domain) {
                do throws(KernelError) { try Kernel.injectFault(.trap, into: p.domain) } catch { refusal = error }
            }
            #expect(refusal == .notPermitted(actor: q.domain, target: p.domain))
            #expect(Kernel.armedFault(of: p.domain) == .none)
            #expect(kernelViolations().isEmpty)
        }
    }

    /// Issue 13's B1: a restart whose entry cannot run (the thread's frame stack is full) used
    /// to leave the domain live with nothing exported, its proxy bound to the export box the
    /// teardown had released (the next call used freed memory). It fails, and the domain stays
    /// down until a restart can run the entry.
    @Test func aRestartWhoseEntryCannotRunFails() throws {
        _ = try HostPlatform.withKernel(KernelConfiguration(frameDepth: 1)) { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let other = try probes.spawn("other")
            #expect(throws: RpcError.domainCrashed) { try p.trap(.fatalError) }
            // The one frame taken: a call the kernel has entered and not yet made.
            let full = try CallGate.enter(other.domain, incarnation: Kernel.incarnation(of: other.domain))
            #expect(throws: KernelError.entryDidNotRun(p.domain, .callDepthExceeded)) { try Kernel.restart(p.domain) }
            CallGate.leave(full)
            #expect(Kernel.state(of: p.domain) == .crashed)
            #expect(throws: RpcError.domainUnavailable) { try p.add(1, 1) }
            try Kernel.restart(p.domain)
            #expect(try p.add(1, 1) == 2)
            #expect(kernelViolations().isEmpty)
        }
    }

    @Test func restartRebindsTheProxyToAFreshImplementation() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let first = ObjectIdentifier(p.target)
            #expect(throws: RpcError.domainCrashed) { try p.trap(.fatalError) }
            try Kernel.restart(p.domain)
            #expect(ObjectIdentifier(p.target) != first)
            #expect(try p.add(1, 1) == 2)
        }
    }

    @Test func aBorrowedObjectCannotBeMovedOrDroppedByTheBorrower() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "borrower")
            let value = try RRef(1)
            let id = value.id
            let frame = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d))
            try CallGate.lend(id, in: frame)
            #expect(Kernel.object(at: Int(id.index)).borrows == 1)
            struct Args { let id: ObjectID; var readBack = 0; var moveRefused = false }
            var args = Args(id: id)
            #expect(CallGate.invoke(frame, &args) { raw in
                let a = raw!.assumingMemoryBound(to: Args.self)
                let lent = RRef<Int>(_adopting: a.pointee.id)
                a.pointee.readBack = (try? lent.read()) ?? -1
                var writable = RRef<Int>(_adopting: a.pointee.id)
                a.pointee.moveRefused = (try? writable.write(2)) == nil
                _ = writable._relinquish()
                _ = lent._relinquish()
                return ObjectID.none.word
            })
            CallGate.leave(frame)
            #expect(args.readBack == 1)
            #expect(args.moveRefused)
            #expect(Kernel.object(at: Int(id.index)).borrows == 0)
            #expect(try value.read() == 1)
        }
    }
}

/// What the middle domain of a re-entrant crash saw.
final class CallerWitness {
    var sawError: RpcError? = nil
    var deferRan = false
    var workedOn: Int? = nil
    var stateOfCrashed: DomainState? = nil
    var afterwards: ProbeProxy? = nil
}

/// A middle domain that relays onward and, when the call it made fails, records what it saw
/// and goes on working (a call to another domain) before it returns.
final class CallerUnderCrash: StubProbe {
    let peers: (DomainID) -> ProbeProxy?
    let witness: CallerWitness
    init(calling peers: @escaping (DomainID) -> ProbeProxy?, witness: CallerWitness) {
        self.peers = peers
        self.witness = witness
    }

    override func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        defer { witness.deferRan = true }
        guard let next = peers(DomainID(route.hops[hop])) else { throw .invalidArgument }
        do throws(RpcError) {
            return try next.relay(route, hop + 1, value)
        } catch {
            witness.sawError = error
            witness.stateOfCrashed = Kernel.state(of: next.domain)
            witness.workedOn = try witness.afterwards?.add(3, 4)
            throw error
        }
    }
}
