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
            // The accesses the trap abandoned are gone from the runtime's list.
            #expect(!HostPlatform.hasAccessesInProgress)
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

    /// Dynamic exclusivity checking is on in domain code: an overlapping modification is a trap
    /// (the domain crashes), not a write through a stale address. The caller, with an access of
    /// its own open across the call (this test's code is checked too), keeps it: the gate drops
    /// only the records of the frames the trap abandoned (were it to drop the caller's, ending
    /// it would be a runtime failure).
    @Test func anExclusivityViolationCrashesTheDomainAndLeavesTheCallersAccessesAlone() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let a = try probes.spawn("a"), b = try probes.spawn("b")
            let value = try RRef(5)
            let calls = CallCount()
            #expect(!HostPlatform.hasAccessesInProgress)
            counting(&calls.made) {
                #expect(HostPlatform.hasAccessesInProgress)
                #expect(throws: RpcError.domainCrashed) {
                    try a.relay(Route([b.domain], trapAt: 1, trap: .simultaneousAccess), 0, value)
                }
                #expect(HostPlatform.hasAccessesInProgress)    // this test's own, still open
            }
            #expect(calls.made == 1)
            #expect(Kernel.state(of: b.domain) == .crashed)
            #expect(Kernel.state(of: a.domain) == .live)
            #expect(!HostPlatform.hasAccessesInProgress)
            try Kernel.restart(b.domain)
            #expect(try a.relay(Route([b.domain]), 0, value) == 5)
            #expect(kernelViolations().isEmpty)
        }
    }
}

/// A class's stored property, so that modifying it is checked at run time.
final class CallCount {
    var made = 0
}

/// Adds one to `count`, then runs `body` while that modification is still in progress.
func counting(_ count: inout Int, _ body: () -> Void) {
    count += 1
    body()
}
