import CAllocCounter
@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
@_spi(Kernel) import LeafHost
import IxgbeDomain
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import NullnetDomain

/// nullnet's cost per packet (64-byte frames handed to `transmit` and answered in place), called
/// directly in the same domain and through its proxy across one domain boundary, at batch 1
/// and 32: the software path a network driver adds to, with no device behind it.
enum NetBench {
    struct Result { let name: String; let batch: Int; let cyclesPerPacket: Double; let allocationsPerPacket: Double }

    static func run() throws -> [Result] {
        let sameDomain = opaque(Nullnet())
        let acrossBoundary = try NetDeviceProxy.spawn(name: "nullnet-bench") { Nullnet() }
        var results: [Result] = []
        for (name, device) in [("same domain", sameDomain), ("across a domain boundary", acrossBoundary as any NetDevice)] {
            for batchSize in [1, 32] {
                var frames: RRefDeque<NetFrame, 32>? = try RRefDeque()
                for _ in 0..<batchSize { _ = frames!.push(try RRef(NetFrame(length: 64))) }
                let m = Measure.run(name) { frames = try! device.transmit(frames.take()!) }
                guard try frames!.count() == batchSize else { fatalError("nullnet lost frames in the benchmark") }
                for position in 0..<batchSize where try frames!.read(NetFrame.statusField, at: position) != .received {
                    fatalError("nullnet did not answer frame \(position) as received")
                }
                results.append(Result(name: name, batch: batchSize, cyclesPerPacket: m.cycles / Double(batchSize),
                                      allocationsPerPacket: m.allocationsPerCall / Double(batchSize)))
            }
        }
        return results
    }

    /// Hides the concrete type, so the same-domain call goes through the interface as well.
    @inline(never) static func opaque(_ device: any NetDevice) -> any NetDevice { device }

    /// The ixgbe driver on one 82599 model looped back, through its proxy: each round hands
    /// the driver `batch` frames to send and `batch` buffers to receive into, the model
    /// completing within the tail writes (and `step`, which makes the write-backs WTHRESH would
    /// hold); every frame comes back sent and again received. Cycles per packet (its sending and
    /// its receiving), the model's own subtracted as for NVMe.
    static func ixgbe() throws -> [DeviceMeasurement] {
        let bus = VirtualPCIBus()
        let model = Intel82599Model()
        model.cable(to: model)
        let address = PCIAddress(bus: 0, device: 4, function: 0)
        bus.attach(model, at: address)
        let function = bus.function(at: address)
        let driver = try NetDeviceProxy.spawn(name: "ixgbe-bench") { IxgbeDriver(function: function) }
        guard try driver.link().isUp else { fatalError("the ixgbe driver did not come up on the model") }
        let account = CycleAccount { HostPlatform.cycles() }
        model.cycleAccount = account
        let leak = DeviceMeasurement.regionCost()
        var results: [DeviceMeasurement] = []
        for batchSize in [1, 32] {
            var frames: RRefDeque<NetFrame, 32>? = try RRefDeque(), buffers: RRefDeque<NetFrame, 32>? = try RRefDeque()
            for _ in 0..<batchSize {
                _ = frames!.push(try RRef(NetFrame(length: 64)))
                _ = buffers!.push(try RRef(NetFrame()))
            }
            func round() {
                buffers = try! driver.receive(buffers.take()!)
                frames = try! driver.transmit(frames.take()!)
                model.step()
            }
            results.append(DeviceMeasurement.run(batch: batchSize, account: account, leak: leak, round))
            guard try frames!.count() == batchSize, try buffers!.count() == batchSize,
                  try buffers!.read(NetFrame.statusField, at: 0) == .received else { fatalError("frames were lost in the ixgbe benchmark") }
        }
        return results
    }
}
