import LeafInterfaces
import LeafSDK

/// A network device with no hardware behind it, for measuring the software path alone
/// (RedLeaf's nullnet): every frame handed to `transmit` comes back at once as its own answer,
/// received in place (status `received`, the same buffer and length: no copy, no second
/// buffer). A frame of length 0 or over `NetFrame.maximumLength` comes back `badLength`.
/// `receive` takes no buffers: each comes back `notAccepted` (nothing arrives but the answers).
public final class Nullnet: NetDevice {
    /// A locally administered unicast address (bit 1 of octet 0 set), 02:00:00:00:00:01.
    static var mac: MACAddress { MACAddress(raw: 0x0100_0000_0002) }
    var counters = NetStatistics()

    public init() {}

    public func address() throws(RpcError) -> MACAddress { Self.mac }
    public func link() throws(RpcError) -> NetLink { NetLink(isUp: true, megabitsPerSecond: 0) }
    public func statistics() throws(RpcError) -> NetStatistics { counters }

    public func transmit(_ frames: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32> {
        var frames = frames
        // Counted locally and stored once: one access to the domain's state per call.
        var answered: UInt64 = 0, bytes: UInt64 = 0, refused: UInt64 = 0
        // The deque was moved to this domain and holds nothing lent: every element is answered.
        _ = try? frames.updateEach(NetFrame.statusField, from: NetFrame.lengthField) { length in
            guard length != 0 && Int(length) <= NetFrame.maximumLength else { refused &+= 1; return .badLength }
            answered &+= 1
            bytes &+= UInt64(length)
            return .received
        }
        var c = counters
        c.transmittedPackets &+= answered
        c.transmittedBytes &+= bytes
        c.receivedPackets &+= answered
        c.receivedBytes &+= bytes
        c.refused &+= refused
        counters = c
        return frames
    }

    public func receive(_ buffers: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32> {
        var buffers = buffers
        let count = (try? buffers.updateEach(NetFrame.statusField, from: NetFrame.statusField) { _ in .notAccepted }) ?? 0
        counters.refused &+= UInt64(count)
        return buffers
    }
}
