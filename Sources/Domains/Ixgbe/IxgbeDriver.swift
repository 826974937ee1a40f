import LeafInterfaces
import LeafSDK

/// The Intel 82599 driver (82599 datasheet; DEVICE-FACTS §4): one port, queue 0 of each
/// direction, 512 advanced descriptors each, polled; the same source against the 82599 model
/// on the host (`DeviceModels.Intel82599Model`) and in the kernel.
public final class IxgbeDriver: NetDevice {
    final class Session {
        var port: Port
        init(_ port: consuming Port) { self.port = port }
    }
    let session: Session?
    /// Why there is no device (bring-up failed), for the log.
    public let bringUpFailure: String?

    /// PCI IDs of 82599 ports (DEVICE-FACTS §4).
    static func isPort(_ deviceID: UInt16) -> Bool {
        switch deviceID {
        case 0x10fb, 0x10f7, 0x10f8, 0x10f9, 0x10fc, 0x1507, 0x1514, 0x1517, 0x151c, 0x1529, 0x152a, 0x154d, 0x1557: true
        default: false
        }
    }

    public init(function: PCIFunction?) {
        guard let function, function.vendorID == 0x8086, Self.isPort(function.deviceID) else {
            session = nil
            bringUpFailure = "not an 82599 port"
            return
        }
        do throws(DriverError) {
            session = Session(try Port(function: function))
            bringUpFailure = nil
        } catch {
            function.disable(.busMastering)
            session = nil
            bringUpFailure = "\(error)"
        }
    }

    // Each call reaches the session by optional chaining, which borrows it; a `guard let` would
    // copy it, a retain and a release a call.

    public func address() throws(RpcError) -> MACAddress {
        guard let mac = session?.port.mac else { throw .noDevice }
        return mac
    }

    public func link() throws(RpcError) -> NetLink {
        guard let up = session?.port.linkIsUp else { throw .noDevice }
        return NetLink(isUp: up, megabitsPerSecond: up ? 10_000 : 0)
    }

    public func statistics() throws(RpcError) -> NetStatistics {
        guard let statistics = session?.port.statistics() else { throw .noDevice }
        return statistics
    }

    public func transmit(_ frames: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32> {
        guard session != nil else { throw .noDevice }
        var frames = frames
        session?.port.transmit(&frames)
        return frames
    }

    public func receive(_ buffers: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32> {
        guard session != nil else { throw .noDevice }
        var buffers = buffers
        session?.port.receive(&buffers)
        return buffers
    }
}
