import LeafAbstraction
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Specs
import Testing

/// Cases where the refinement tests found LeafCore and the specification apart, each kept as a
/// regression test now that LeafCore refuses them and the spec's call guard says the same.
/// (The third, a refused result dropped from its rightful owner, is covered by
/// LeafCoreTests' `aResultTheCalleeDoesNotOwnIsRefusedAndLeftWithItsOwner`.)
@Suite(.serialized) struct FormerDivergenceTests {
    /// The kernel domain is always live (kernel-always-live): nothing may call into it, so
    /// nothing running there can crash it.
    @Test func aCallIntoTheKernelDomainIsRefused() {
        _ = HostPlatform.withKernel(refinementConfiguration) { _ in
            let proxy = ProbeProxy(domain: .kernel, target: RefinementProbe(driver: nil))
            let outcome: RpcError?
            do throws(RpcError) { try proxy.trap(.indexOutOfRange); outcome = nil } catch { outcome = error }
            #expect(outcome == .domainUnavailable)
            #expect(Kernel.state(of: .kernel) == .live)
            let state = try? Abstraction.state(pages: refinementBounds.pages)
            #expect(state?.brokenInvariants.isEmpty == true)
        }
    }

    /// A thread may not call into its home domain: were that domain to crash, the thread would
    /// be left running in a dead domain (stacks-name-live-domains, current-domain-is-top-frame).
    @Test func aCallIntoTheRunningThreadsHomeIsRefused() throws {
        _ = try HostPlatform.withKernel(refinementConfiguration) { _ throws(KernelError) in
            let d = try Kernel.createDomain(name: "home")
            let proxy = ProbeProxy(domain: d, target: RefinementProbe(driver: nil))
            let t = try Kernel.spawnThread(home: d)
            Kernel.yield()                      // the new thread runs, in d
            #expect(Kernel.currentDomain == d)
            let outcome: RpcError?
            do throws(RpcError) { try proxy.trap(.indexOutOfRange); outcome = nil } catch { outcome = error }
            #expect(outcome == .callIntoHomeDomain)
            #expect(Kernel.state(of: d) == .live)
            let state = try? Abstraction.state(pages: refinementBounds.pages)
            #expect(state?.brokenInvariants.isEmpty == true)
            Kernel.yield()
            try Kernel.exit(t)
        }
    }
}
