@_spi(Kernel) import LeafCore
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
}
