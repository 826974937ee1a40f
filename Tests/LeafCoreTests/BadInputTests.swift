@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing

/// Every refused operation is a clear error, never a crash of the process.
@Suite struct BadInputTests {
    @Test func accessThroughAForeignReferenceIsRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let theirs = try p.make(5)   // moved back: ours now
            let id = theirs.id
            _ = try p.keep(theirs)       // moved to the domain again
            // A forged reference to an object the domain owns: read, write, drop all refused.
            var forged = RRef<Int>(_adopting: id)
            #expect(throws: AccessError.notOwner(id, owner: p.domain, accessor: .kernel)) { try forged.read() }
            #expect(throws: AccessError.notOwner(id, owner: p.domain, accessor: .kernel)) { try forged.write(1) }
            let refusedBefore = Kernel.refusedDrops
            _ = consume forged           // its deinit must not free the domain's object
            #expect(Kernel.refusedDrops == refusedBefore + 1)
            #expect(Kernel.objectsOwned(by: p.domain) == 1)
            #expect("\(AccessError.notOwner(id, owner: p.domain, accessor: .kernel))" == "\(id) belongs to domain 1, not to domain 0")
        }
    }

    @Test func accessThroughAStaleReferenceIsRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let r = try RRef(3)
            let id = r.id
            _ = try p.keep(r)
            try Kernel.tearDown(p.domain)          // the object is reclaimed with the domain
            let stale = RRef<Int>(_adopting: id)
            #expect(throws: AccessError.stale(id)) { try stale.read() }
            // The slot is reused by the next allocation; the old ID still does not match.
            let fresh = try RRef(4)
            #expect(fresh.id.index == id.index && fresh.id != id)
            #expect(throws: AccessError.stale(id)) { try stale.read() }
            #expect(try fresh.read() == 4)
        }
    }

    @Test func aReferenceOfTheWrongTypeIsRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let small = try RRef<UInt8>(1)
            let wide = RRef<Int>(_adopting: small.id)
            #expect(throws: AccessError.typeMismatch(small.id)) { try wide.read() }
            _ = wide._relinquish()
        }
    }

    @Test func callsIntoADeadDomainAreRefusedUntilRestart() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            try Kernel.tearDown(p.domain)
            #expect(Kernel.state(of: p.domain) == .stopped)
            #expect(throws: RpcError.domainUnavailable) { try p.ping() }
            // A consuming argument of a refused call is dropped, not leaked into the dead domain.
            #expect(throws: RpcError.domainUnavailable) { _ = try p.keep(try RRef(1)) }
            #expect(Kernel.liveObjects == 0)
            try Kernel.restart(p.domain)
            try p.ping()
        }
    }

    @Test func aResultTheCalleeDoesNotOwnIsRefusedAndLeftWithItsOwner() throws {
        _ = try HostPlatform.withKernel { _ in
            let mine = try RRef(8)
            let forged = mine.id
            let p = try ProbeProxy.spawn(name: "forger") { ForgingProbe(returning: forged) }
            #expect(throws: RpcError.ownershipViolation) { _ = try p.make(0) }
            #expect(try mine.read() == 8)          // still the caller's, not dropped
            #expect(Kernel.objectsOwned(by: .kernel) == 1)
        }
    }

    @Test func callsIntoTheKernelDomainOrTheThreadsHomeAreRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let intoKernel = ProbeProxy(domain: .kernel, export: p.export)
            #expect(throws: RpcError.domainUnavailable) { try intoKernel.ping() }
            // A thread living in the domain may not call into it: were the domain to crash,
            // the thread would have nothing to return to.
            let t = try Kernel.spawnThread(home: p.domain)
            Kernel.yield()
            #expect(Kernel.currentThread == t && Kernel.currentDomain == p.domain)
            #expect(throws: RpcError.callIntoHomeDomain) { try p.trap(.fatalError) }
            #expect(Kernel.state(of: p.domain) == .live)
            Kernel.yield()
            try Kernel.exit(t)
        }
    }

    @Test func doubleTeardownAndBadRestartsAreErrors() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            #expect(throws: KernelError.domainAlreadyLive(p.domain)) { try Kernel.restart(p.domain) }
            try Kernel.tearDown(p.domain)
            #expect(throws: KernelError.domainNotLive(p.domain, .stopped)) { try Kernel.tearDown(p.domain) }
            #expect(throws: KernelError.kernelDomain) { try Kernel.tearDown(.kernel) }
            #expect(throws: KernelError.kernelDomain) { try Kernel.restart(.kernel) }
            #expect(throws: KernelError.noSuchDomain(DomainID(40))) { try Kernel.tearDown(DomainID(40)) }
            #expect(throws: KernelError.noSuchDomain(DomainID(40))) { try Kernel.restart(DomainID(40)) }
        }
    }

    @Test func containerOverflowHandsTheElementBack() throws {
        _ = try HostPlatform.withKernel { _ in
            var deque = try RRefDeque<Int, 2>()
            #expect(deque.push(try RRef(1)) == nil)
            #expect(deque.push(try RRef(2)) == nil)
            #expect(throws: AccessError.full(deque.id)) { try deque.checkPush() }
            let third = try RRef(3)
            let thirdID = third.id
            guard let back = deque.push(third) else { Issue.record("overflow accepted"); return }
            #expect(back.id == thirdID)
            #expect(try back.read() == 3)
            #expect(try deque.count() == 2)

            var array = try RRefArray<Int, 2>()
            #expect(array.put(try RRef(5), at: 0) == nil)
            #expect(throws: AccessError.badSlot(array.id, 0)) { try array.checkPut(at: 0) }
            #expect(throws: AccessError.badSlot(array.id, 2)) { try array.checkPut(at: 2) }
            #expect(throws: AccessError.badSlot(array.id, -1)) { try array.checkPut(at: -1) }
            #expect(array.put(try RRef(6), at: 0) != nil)
            #expect(array.put(try RRef(6), at: 7) != nil)
            #expect(throws: AccessError.badSlot(array.id, 1)) { _ = try array.take(at: 1) }
        }
    }

    @Test func domainTableAndObjectTableExhaustionAreErrors() throws {
        _ = try HostPlatform.withKernel(KernelConfiguration(objectCapacity: 4, domainCapacity: 3)) { _ in
            _ = try Kernel.createDomain(name: "a")
            _ = try Kernel.createDomain(name: "b")
            #expect(throws: KernelError.tooManyDomains) { try Kernel.createDomain(name: "c") }
            let a = try RRef(1), b = try RRef(2), c = try RRef(3), d = try RRef(4)
            #expect(throws: KernelError.objectTableFull) { try RRef(5) }
            _ = a.id; _ = b.id; _ = c.id; _ = d.id
        }
    }

    @Test func outOfPagesIsAnError() throws {
        _ = try HostPlatform.withKernel { pages in
            pages.limit = pages.pagesOutstanding   // no page more
            #expect(throws: KernelError.outOfMemory) { try RRef(1) }
            #expect(Kernel.liveObjects == 0)
        }
    }

    @Test func aDomainCannotBeTornDownFromInsideACallIntoIt() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "busy")
            var refused: KernelError? = nil
            try Kernel.run(in: d) {
                do throws(KernelError) { try Kernel.tearDown(d) } catch { refused = error }
            }
            // A domain has no authority over itself (its creator, the kernel, has).
            #expect(refused == .notPermitted(actor: d, target: d))
            #expect(Kernel.state(of: d) == .live)

            // Its creator may tear it down, but not while a call into it is under way.
            var child: DomainID? = nil
            try Kernel.run(in: d) { child = try? Kernel.createDomain(name: "child") }
            let c = try #require(child)
            #expect(Kernel.creator(of: c) == d)
            var busy: KernelError? = nil
            try Kernel.run(in: c) {
                try? Kernel.run(in: d) {
                    do throws(KernelError) { try Kernel.tearDown(c) } catch { busy = error }
                }
            }
            #expect(busy == .domainInUse(c))
            try Kernel.run(in: d) { try? Kernel.tearDown(c) }
            #expect(Kernel.state(of: c) == .stopped)
        }
    }

    @Test func freeingAnotherDomainsPrivateBlockIsRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let a = try Kernel.createDomain(name: "a")
            let b = try Kernel.createDomain(name: "b")
            var block: UnsafeMutableRawPointer? = nil
            try Kernel.run(in: a) { block = Kernel.allocatePrivate(size: 100, alignment: 16) }
            #expect(Kernel.pages(of: a) == 1)
            var freed = true
            try Kernel.run(in: b) { freed = Kernel.freePrivate(block!) }
            #expect(!freed)
            #expect(Kernel.pages(of: a) == 1)
        }
    }
}
