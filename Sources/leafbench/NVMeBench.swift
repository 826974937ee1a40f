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
    static func run() throws -> [DeviceMeasurement] {
        let bus = VirtualPCIBus()
        let model = NVMeModel(sectors: 8 * 4096)
        let address = PCIAddress(bus: 0, device: 3, function: 0)
        bus.attach(model, at: address)
        let function = bus.function(at: address)
        let driver = try BlockDeviceProxy.spawn(name: "nvme-bench") { NVMeDriver(function: function) }
        guard try driver.geometry().blocks == 4096 else { fatalError("the NVMe driver did not come up on the model") }
        let account = CycleAccount { HostPlatform.cycles() }
        model.cycleAccount = account
        let leak = DeviceMeasurement.regionCost()
        var results: [DeviceMeasurement] = []
        for batchSize in [1, 32] {
            var batch: RRefDeque<BlockRequest, 128>? = try RRefDeque()
            for i in 0..<batchSize { _ = batch!.push(try RRef(BlockRequest(.read, block: UInt64(i)))) }
            results.append(DeviceMeasurement.run(batch: batchSize, account: account, leak: leak) {
                batch = try! driver.submitAndCollect(batch.take()!)
            })
            guard try batch!.count() == batchSize else { fatalError("requests were lost in the benchmark") }
        }
        return results
    }

    /// Cycles to copy one 4 KiB block (median).
    static func copyBaseline() -> Double {
        let from = [UInt8](repeating: 7, count: 4096)
        var to = [UInt8](repeating: 0, count: 4096)
        var samples: [Double] = []
        for _ in 0..<101 {
            let start = HostPlatform.cycles()
            for _ in 0..<DeviceMeasurement.rounds {
                to.withUnsafeMutableBytes { t in from.withUnsafeBytes { t.copyMemory(from: $0) } }
            }
            samples.append(Double(HostPlatform.cycles() &- start) / Double(DeviceMeasurement.rounds))
        }
        blackHole(to[4095])
        return samples.sorted()[50]
    }

    @inline(never) static func blackHole(_ x: UInt8) {}
}
