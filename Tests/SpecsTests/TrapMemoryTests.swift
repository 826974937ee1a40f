import Glibc
import Testing
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies

/// What a trapped call costs the host process: the refinement tests crash thousands of domains,
/// and each trap abandons the host frames between the trap and the call's continuation. A bare
/// overflow trap keeps nothing; one the runtime reports first (index out of range, nil unwrap,
/// fatalError) keeps about 73 KB (measured 2026-12-03: the runtime's fatal-error reporter,
/// which expects the process to end), which is why the refinement driver reports one trap in 16.
@Suite(.serialized) struct TrapMemoryTests {
    static func residentKB() -> Int {
        guard let f = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, 128, f) != nil else { return 0 }
        let fields = String(cString: line).split(separator: " ")
        return fields.count > 1 ? (Int(fields[1]) ?? 0) * 4 : 0
    }

    /// Crashes and restarts one domain `traps` times on a fresh kernel.
    static func crashRepeatedly(_ kind: TrapKind, traps: Int) {
        _ = HostPlatform.withKernel(refinementConfiguration) { _ in
            let d = try! Kernel.createDomain(name: "trap-memory")
            nonisolated(unsafe) var proxy: ProbeProxy? = nil
            try! Kernel.start(d) { proxy = ProbeProxy(domain: d, target: RefinementProbe(driver: nil)) }
            for _ in 0..<traps {
                do throws(RpcError) { try proxy!.trap(kind) } catch { precondition(error == .domainCrashed) }
                try! Kernel.restart(d)
            }
        }
    }

    @Test func anOverflowTrapKeepsNoMemory() {
        let traps = 300
        Self.crashRepeatedly(.overflow, traps: traps)   // the process's one-time costs
        let before = Self.residentKB()
        for _ in 0..<5 { Self.crashRepeatedly(.overflow, traps: traps) }
        let perTrap = Double(Self.residentKB() - before) / Double(5 * traps)
        print("trap memory: \(perTrap) KB resident kept per overflow trap (\(5 * traps) traps)")
        #expect(perTrap < 8, "an overflow trap keeps \(perTrap) KB")
    }
}
