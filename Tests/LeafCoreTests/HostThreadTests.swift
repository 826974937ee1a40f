import CLeafGate
import Foundation
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing

/// Host threads: the innermost continuation was one global (a trap on a second host thread
/// resumed the first thread's call) and only the thread that installed the handlers had an
/// alternate signal stack (a stack overflow on any other killed the process).
@Suite struct HostThreadTests {
    /// Runs `body` on a new host thread and waits for it.
    func onAnotherThread(_ body: @escaping @Sendable () -> Void) {
        let done = DispatchSemaphore(value: 0)
        let thread = Thread { body(); done.signal() }
        thread.stackSize = 1 << 20
        thread.start()
        done.wait()
    }

    @Test func anotherThreadSeesNoContinuationOfThisThreadsCall() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "callee")
            struct Args { var insideHere = false; var elsewhere = true }
            var args = Args()
            let frame = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d))
            #expect(CallGate.invoke(frame, &args) { raw in
                let a = raw!.assumingMemoryBound(to: Args.self)
                a.pointee.insideHere = leaf_get_innermost() != nil
                let seen = SeenFlag()
                HostThreadTests().onAnotherThread { seen.value = leaf_get_innermost() != nil }
                a.pointee.elsewhere = seen.value
                return ObjectID.none.word
            })
            CallGate.leave(frame)
            #expect(args.insideHere)
            #expect(!args.elsewhere)
        }
    }

    @Test func aStackOverflowOnAnotherThreadCrashesOnlyTheDomain() throws {
        HostPlatform.installTrapHandlers()   // here, so that the other thread is not the one that did
        let outcome = OutcomeBox()
        onAnotherThread {
            do {
                _ = try HostPlatform.withKernel { _ in
                    let p = try ProbeProxy.spawn(name: "deep") { OverflowingProbe() }
                    do { try p.trap(.fatalError); outcome.value = "returned" } catch { outcome.value = "\(error)" }
                    outcome.state = Kernel.state(of: p.domain)
                }
            } catch { outcome.value = "kernel: \(error)" }
        }
        #expect(outcome.value == "\(RpcError.domainCrashed)")
        #expect(outcome.state == .crashed)
        #expect(HostPlatform.lastTrapSignal == SIGSEGV)
    }
}

/// A domain that never returns used to hang its caller for ever.
@Suite struct CallBudgetTests {
    @Test func aRunawayDomainIsCrashedWhenTheBudgetRunsOut() throws {
        _ = try HostPlatform.withKernel { _ in
            let runaway = try ProbeProxy.spawn(name: "runaway") { SpinningProbe() }
            let overrunBefore = HostPlatform.budgetsOverrun
            #expect(throws: RpcError.domainCrashed) {
                try HostPlatform.withCallBudget(microseconds: 20_000) { () throws(RpcError) in try runaway.ping() }
            }
            #expect(Kernel.state(of: runaway.domain) == .crashed)
            #expect(HostPlatform.budgetsOverrun == overrunBefore + 1)
            // A budget that is not spent changes nothing, and the kernel is intact.
            let probes = ProbeDirectory()
            let quick = try probes.spawn()
            #expect(try HostPlatform.withCallBudget(microseconds: 2_000_000) { () throws(RpcError) in try quick.add(2, 3) } == 5)
            #expect(kernelViolations().isEmpty)
        }
    }
}

/// A probe whose `ping` spins (for 10 s, so that a broken budget fails the test instead of
/// hanging it).
final class SpinningProbe: StubProbe {
    override func ping() throws(RpcError) {
        let end = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < end {}
    }
}

final class SeenFlag: @unchecked Sendable { var value = false }
final class OutcomeBox: @unchecked Sendable { var value = ""; var state = DomainState.unused }

/// A probe whose `trap` recurses until the stack runs out.
final class OverflowingProbe: StubProbe {
    override func trap(_ kind: TrapKind) throws(RpcError) { _ = descend(0) }
    @inline(never) func descend(_ n: Int) -> Int {
        var frame = InlineArray<32, Int>(repeating: n)
        frame[n & 31] = n
        return descend(n &+ 1) &+ frame[0]
    }
}
