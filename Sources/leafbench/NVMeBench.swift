import CAllocCounter
@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import NVMeDomain

/// The NVMe driver's own cost per 4 KiB request, against the model completing every command
/// within the doorbell write: the model times itself (rdtsc around each register access), and
/// its cycles are subtracted, with what each timed region costs outside itself (calibrated
/// here), leaving what the driver and the call into its domain spend. What remains includes the
/// host back-end's record of each buffer the driver maps (a check that a buffer given again is
/// unchanged; on bare metal there is none).
/// The baseline, in the same process: copying one 4 KiB block (what a driver that copied
/// would add per request).
enum NVMeBench {
    static let rounds = 2_000

    struct Result { let batch: Int; let total: Double; let model: Double; let allocations: Double }

    static func run() throws -> [Result] {
        let bus = VirtualPCIBus()
        let model = NVMeModel(sectors: 8 * 4096)
        let address = PCIAddress(bus: 0, device: 3, function: 0)
        bus.attach(model, at: address)
        let function = bus.function(at: address)
        let driver = try BlockDeviceProxy.spawn(name: "nvme-bench") { NVMeDriver(function: function) }
        guard try driver.geometry().blocks == 4096 else { fatalError("the NVMe driver did not come up on the model") }
        let account = CycleAccount { HostPlatform.cycles() }
        model.cycleAccount = account
        let leak = regionCost()
        var results: [Result] = []
        for batchSize in [1, 32] {
            var batch: RRefDeque<BlockRequest, 128>? = try RRefDeque()
            for i in 0..<batchSize { _ = batch!.push(try RRef(BlockRequest(.read, block: UInt64(i)))) }
            func round() {
                batch = try! driver.submitAndCollect(batch.take()!)
            }
            for _ in 0..<rounds { round() }   // warm up
            var samples: [(total: Double, model: Double)] = []
            let requests = Double(rounds * batchSize)
            for _ in 0..<101 {
                let cyclesBefore = account.cycles, regionsBefore = account.regions
                let start = HostPlatform.cycles()
                for _ in 0..<rounds { round() }
                let cycles = Double(HostPlatform.cycles() &- start)
                let model = Double(account.cycles &- cyclesBefore) + Double(account.regions &- regionsBefore) * leak
                samples.append((cycles / requests, model / requests))
            }
            samples.sort { $0.total - $0.model < $1.total - $1.model }
            guard try batch!.count() == batchSize else { fatalError("requests were lost in the benchmark") }
            let before = alloc_counter_allocations()
            for _ in 0..<rounds { round() }
            let allocations = Double(alloc_counter_allocations() - before) / Double(rounds * batchSize)
            results.append(Result(batch: batchSize, total: samples[50].total, model: samples[50].model, allocations: allocations))
        }
        return results
    }

    /// What an empty timed region costs outside itself (median): the part of the counter reads
    /// and of the call that its own count misses.
    static func regionCost() -> Double {
        let account = CycleAccount { HostPlatform.cycles() }
        var samples: [Double] = []
        for _ in 0..<101 {
            let inside = account.cycles
            let start = HostPlatform.cycles()
            for _ in 0..<rounds { account.measure { () -> Void in } }
            let total = HostPlatform.cycles() &- start
            samples.append(Double(total &- (account.cycles &- inside)) / Double(rounds))
        }
        return samples.sorted()[50]
    }

    /// Cycles to copy one 4 KiB block (median).
    static func copyBaseline() -> Double {
        let from = [UInt8](repeating: 7, count: 4096)
        var to = [UInt8](repeating: 0, count: 4096)
        var samples: [Double] = []
        for _ in 0..<101 {
            let start = HostPlatform.cycles()
            for _ in 0..<rounds {
                to.withUnsafeMutableBytes { t in from.withUnsafeBytes { t.copyMemory(from: $0) } }
            }
            samples.append(Double(HostPlatform.cycles() &- start) / Double(rounds))
        }
        blackHole(to[4095])
        return samples.sorted()[50]
    }

    @inline(never) static func blackHole(_ x: UInt8) {}
}
