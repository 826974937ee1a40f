@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing

@Suite struct CallGateTests {
    @Test func aCallReturnsAndMovesObjects() throws {
        let (_, report) = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            try p.ping()
            #expect(try p.add(2, 3) == 5)
            let r = try RRef(41)
            #expect(try p.keep(r) == 41)
            #expect(Kernel.objectsOwned(by: p.domain) == 1)
            #expect(Kernel.objectsOwned(by: .kernel) == 0)
            let made = try p.make(7)
            #expect(try made.read() == 7)
            #expect(Kernel.objectsOwned(by: .kernel) == 1)
            let lent = try RRef(9)
            #expect(try p.inspect(lent) == 9)
            #expect(Kernel.object(at: Int(lent.id.index)).borrows == 0)
        }
        #expect(report == .init(pagesLeft: 0, objectsLeft: 0, hostPagesLeaked: 0))
    }

    @Test(arguments: TrapKind.allCases)
    func aTrapCrashesOnlyTheCallee(kind: TrapKind) throws {
        let (_, report) = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let other = try probes.spawn()
            _ = try p.keep(try RRef(1))
            #expect(throws: RpcError.domainCrashed) { try p.trap(kind) }
            #expect(Kernel.state(of: p.domain) == .crashed)
            #expect(Kernel.objectsOwned(by: p.domain) == 0)
            #expect(Kernel.pages(of: p.domain) == 0)
            #expect(throws: RpcError.domainUnavailable) { try p.ping() }
            try other.ping()
            try Kernel.restart(p.domain)
            try p.ping()
            #expect(Kernel.incarnation(of: p.domain) == 2)
        }
        #expect(report.pagesLeft == 0 && report.objectsLeft == 0 && report.hostPagesLeaked == 0)
    }
}
