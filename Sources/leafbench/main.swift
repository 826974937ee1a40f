import CAllocCounter
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies

// `make bench`: cycles per cross-domain call against a direct call in the same process, and the
// heap allocations per call (counted by interposing malloc). That the call path does no
// retain/release is checked on the machine code by scripts/check-call-path.sh.

func runBenchmarks() throws {
try HostPlatform.boot()

let probe = BenchProbe()
let domain = try Kernel.createDomain(name: "bench")
let generated = ProbeProxy(domain: domain, export: Kernel.export(interface: probe as any Probe, from: domain))
let direct: any Probe = probe

var value: RRef<Int>? = try RRef(1)
var full = try RRefDeque<Int, 32>()
for i in 0..<32 {
    let refused = full.push(try RRef(i))
    guard refused == nil else { fatalError("a 32-slot deque refused element \(i)") }
}
var batch: RRefDeque<Int, 32>? = consume full

func measureAll(_ label: String, _ p: any Probe) -> [Measurement] {
    let p = opaque(p)
    return [
        Measure.run("\(label): call, no arguments") { try! p.ping() },
        Measure.run("\(label): call, one RRef in and one out") { value = try! p.exchange(value.take()!) },
        Measure.run("\(label): call, RRefDeque of 32 in and out") { batch = try! p.batch(batch.take()!) },
    ]
}

let baseline = measureAll("direct", direct)
// A control that does allocate (a class instance per call), so the counter is seen to count.
let control = Measure.run("control: allocate a class instance") { controlSink = ControlObject() }
let results = baseline + measureAll("generated proxy", generated)
let directCall = baseline[0].cycles

print("leafbench: cycles per call (rdtsc, median of \(Measure.samples) batches of \(Measure.callsPerSample) calls)")
print("name".padding(52) + "cycles".padding(10) + "vs direct".padding(11) + "allocations/call")
for m in results + [control] {
    print(m.name.padding(52) + format(m.cycles).padding(10) + (format(m.cycles / directCall) + "x").padding(11)
          + format(m.allocationsPerCall))
}
let proxyCall = results.first { $0.name == "generated proxy: call, no arguments" }!.cycles
let allocationFree = results.allSatisfy { $0.allocationsPerCall == 0 }
print("proxy call: \(format(proxyCall)) cycles (goal ≤ 60); heap allocations on the call path: \(allocationFree ? "none" : "FOUND")")
guard control.allocationsPerCall >= 1 else { fatalError("the allocation counter counted nothing in the control") }
guard Kernel.liveObjects == 34 else { fatalError("\(Kernel.liveObjects) objects live after the benchmark; 34 expected (one value, one deque and its 32 elements)") }
let copy = NVMeBench.copyBaseline()
print("nvme driver (Sources/Domains/NVMe) on the NVMe model completing at once, sequential 4 KiB reads through its proxy;")
print("  cycles per request: the model's own (it times itself) subtracted; baseline: copying one 4 KiB block, \(format(copy)) cycles")
for r in try NVMeBench.run() {
    let driverCycles = r.driver
    print("  batch \(r.batch):".padding(12) + "driver \(format(driverCycles)) cycles/request (\(format(driverCycles / copy))x a 4 KiB copy; goal ≤ 150 at batch 32), "
          + "model \(format(r.model)), total \(format(r.total)); allocations/request \(format(r.allocations))")
}
print("nullnet (Sources/Domains/Nullnet), 64-byte frames through transmit, answered in place; goal across a boundary: ≤ 30 cycles/packet at batch 32, ≤ 90 at batch 1")
for r in try NetBench.run() {
    print("  \(r.name), batch \(r.batch):".padding(40) + "\(format(r.cyclesPerPacket)) cycles/packet; allocations/packet \(format(r.allocationsPerPacket))")
}
print("ixgbe (Sources/Domains/Ixgbe) on one 82599 model looped back, through its proxy: 64-byte frames sent and received; the model's own cycles subtracted")
for r in try NetBench.ixgbe() {
    print("  batch \(r.batch):".padding(12) + "driver \(format(r.driver)) cycles/packet, model \(format(r.model)), total \(format(r.total)); allocations/packet \(format(r.allocations))")
}
print("benchfs (Sources/Domains/Rv6FS) over a RAM disk, through their proxies; cycles per operation")
let fsBench = try FSBench.run()
print("  baseline: one 4 KiB block read from the RAM disk through its proxy, \(format(fsBench.baseline)) cycles")
for r in fsBench.results {
    print("  \(r.name):".padding(56) + "\(format(r.cycles)) cycles (\(format(r.cycles / fsBench.baseline))x the block read); allocations/op \(format(r.allocations))")
}
}

public final class ControlObject {}
nonisolated(unsafe) public var controlSink: ControlObject? = nil

/// Hides the concrete type from the optimizer, so every call goes through the existential
/// as a caller in another domain would.
@inline(never) func opaque(_ p: any Probe) -> any Probe { p }

try runBenchmarks()

extension String {
    func padding(_ width: Int) -> String { count >= width ? self + " " : self + String(repeating: " ", count: width - count) }
}

func format(_ x: Double) -> String {
    let scaled = (x * 10).rounded() / 10
    return scaled == scaled.rounded() ? String(Int(scaled)) : String(scaled)
}
