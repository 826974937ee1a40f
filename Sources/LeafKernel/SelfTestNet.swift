@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import LeafBoot

/// nullnet in its own domain on bare metal: a batch of frames answered in place across the
/// boundary, a bad length refused, the counters; the cost per packet (for information).
extension SelfTest {
    static func nullnet() {
        print("step: nullnet")
        guard let graph, let net = graph.proxy(NetDeviceProxy.self, of: "nullnet") else { check(false, "the manifest's nullnet domain"); return }
        let lengths: [UInt16] = (0..<31).map { 60 + UInt16($0) * 48 } + [1515]
        guard var frames = try? RRefDeque<NetFrame, 32>() else { check(false, "a deque of frames"); return }
        for length in lengths {
            guard let frame = try? RRef(NetFrame(length: length)), frames.push(frame) == nil else { check(false, "a batch of frames"); return }
        }
        do throws(RpcError) { frames = try net.transmit(frames) } catch { check(false, "nullnet transmit: \(error)"); return }
        var statuses: [NetStatus] = []
        for position in 0..<lengths.count { statuses.append((try? frames.read(NetFrame.statusField, at: position)) ?? .pending) }
        check(statuses.dropLast().allSatisfy { $0 == .received } && statuses.last == .badLength,
              "nullnet (\(net.domain)) answered 31 frames in place and refused one of 1515 bytes: \(statuses.last.map { "\($0)" } ?? "?")")
        let counted = (try? net.statistics()).map { $0.receivedPackets == 31 && $0.refused == 1 } ?? false
        check(counted, "nullnet's counters: 31 answered, 1 refused")
        // Only good frames from here on: the cost of the software path per packet.
        for position in 0..<lengths.count { try? frames.write(64, to: NetFrame.lengthField, at: position) }
        let rounds: UInt64 = 1000
        let begin = Clock.now
        for _ in 0..<rounds {
            do throws(RpcError) { frames = try net.transmit(frames) } catch { check(false, "nullnet transmit: \(error)"); return }
        }
        print("nullnet: \((Clock.now - begin) / (rounds * UInt64(lengths.count))) TSC cycles per packet at batch 32 across a domain boundary")
    }
}
