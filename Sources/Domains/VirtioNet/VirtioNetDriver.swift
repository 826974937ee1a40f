import LeafInterfaces
import LeafSDK

/// Why the device could not be brought up, or stopped being usable.
enum DriverError: Error, CustomStringConvertible {
    case outOfMemory
    case memory(AccessError)
    case device(DeviceError)
    case unsupported(String)
    case timedOut(String)
    case protocolError(String)

    var description: String {
        switch self {
        case .outOfMemory: "no memory for the virtqueues"
        case .memory(let e): "virtqueue memory refused: \(e)"
        case .device(let e): "\(e)"
        case .unsupported(let what): "unsupported: \(what)"
        case .timedOut(let what): "timed out waiting for \(what)"
        case .protocolError(let what): "device error: \(what)"
        }
    }
}

/// Where one of the device's structures is (§4.1.4): a window on its BAR and its offset there.
struct Structure {
    let window: MMIOWindow
    let offset: Int
    let length: Int
}

/// virtio-net over PCI (virtio 1.2 §4.1 and §5.1; DEVICE-FACTS §2 for QEMU 7.2), modern or
/// transitional, polled: from whatever state firmware left, reset, VERSION_1 and MAC (and
/// STATUS if offered) negotiated and nothing else, one receive and one transmit split
/// virtqueue of up to 256 descriptors (128 frames in flight each), the 12-byte header in a
/// descriptor of its own ahead of each frame's buffer (no copy of a frame anywhere).
public final class VirtioNetDriver: NetDevice {
    final class Session {
        var queues: NetQueues
        init(_ queues: consuming NetQueues) { self.queues = queues }
    }
    let session: Session?
    /// Why there is no device (bring-up failed), for the log.
    public let bringUpFailure: String?

    public init(function: PCIFunction?) {
        guard let function, function.vendorID == 0x1af4, function.deviceID == 0x1000 || function.deviceID == 0x1041 else {
            session = nil
            bringUpFailure = "not a virtio-net function"
            return
        }
        do throws(DriverError) {
            session = Session(try NetQueues(function: function))
            bringUpFailure = nil
        } catch {
            function.disable(.busMastering)
            session = nil
            bringUpFailure = "\(error)"
        }
    }

    public var failure: String? { session?.queues.failure ?? bringUpFailure }

    // Each call reaches the session by optional chaining, which borrows it; a `guard let` would
    // copy it, a retain and a release a call.

    public func address() throws(RpcError) -> MACAddress {
        guard let mac = session?.queues.mac else { throw .noDevice }
        return mac
    }

    public func link() throws(RpcError) -> NetLink {
        guard let up = session?.queues.linkIsUp() else { throw .noDevice }
        return NetLink(isUp: up, megabitsPerSecond: 0)
    }

    public func statistics() throws(RpcError) -> NetStatistics {
        guard let counters = session?.queues.counters else { throw .noDevice }
        return counters
    }

    public func transmit(_ frames: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32> {
        guard session != nil else { throw .noDevice }
        var frames = frames
        session?.queues.transmit(&frames)
        return frames
    }

    public func receive(_ buffers: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32> {
        guard session != nil else { throw .noDevice }
        var buffers = buffers
        session?.queues.receive(&buffers)
        return buffers
    }
}
