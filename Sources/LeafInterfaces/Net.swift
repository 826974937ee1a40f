import LeafSDK

/// What became of a frame handed to a network device.
public struct NetStatus: Exchangeable, Equatable, Sendable, CustomStringConvertible {
    public var raw: UInt16
    public static var exchangeableTypeID: UInt64 { 0xf68d_6039_1f20_4b9a }   // FNV-1a of "LeafInterfaces.NetStatus"
    @inlinable public init(raw: UInt16) { self.raw = raw }

    /// Not yet handled (a frame to send, a buffer to receive into).
    public static var pending: NetStatus { NetStatus(raw: 0) }
    /// Sent: the device is done with the buffer.
    public static var sent: NetStatus { NetStatus(raw: 1) }
    /// A frame was received into the buffer; `length` says how long it is.
    public static var received: NetStatus { NetStatus(raw: 2) }
    /// Refused: its length is 0 or over `NetFrame.maximumLength` (nothing was sent).
    public static var badLength: NetStatus { NetStatus(raw: 3) }
    /// Refused: the device's ring had no room (nothing was sent or posted); hand it in again.
    public static var notAccepted: NetStatus { NetStatus(raw: 4) }
    /// The device failed; the frame was not sent (or nothing was received into the buffer).
    public static var deviceFailed: NetStatus { NetStatus(raw: 5) }
    /// The device reported an error receiving into this buffer: what it holds is no frame.
    public static var receiveError: NetStatus { NetStatus(raw: 6) }

    public var description: String {
        switch raw {
        case 0: "pending"
        case 1: "sent"
        case 2: "received"
        case 3: "bad length"
        case 4: "not accepted (ring full)"
        case 5: "device failed"
        case 6: "receive error"
        default: "status \(raw)"
        }
    }
}

/// An Ethernet frame (destination, source, type, payload; no FCS) in the buffer a device reads
/// it from or writes it into: 2 KiB, first in the payload so that it starts a page and is
/// contiguous (an 82599 receive buffer is a multiple of 1 KiB, SRRCTL.BSIZEPACKET; virtio-net's
/// header goes in a descriptor of its own). A frame is at most 1514 bytes.
public struct NetFrame: Exchangeable, Sendable {
    public var data: InlineArray<2048, UInt8>
    public var length: UInt16
    public var status: NetStatus
    public static var exchangeableTypeID: UInt64 { 0x9103_10be_539e_4445 }   // FNV-1a of "LeafInterfaces.NetFrame"

    /// The longest frame without its FCS: 14 bytes of header and 1500 of payload.
    public static var maximumLength: Int { 1514 }

    @inlinable public init(length: UInt16 = 0, data: InlineArray<2048, UInt8> = .init(repeating: 0)) {
        self.data = data
        self.length = length
        self.status = .pending
    }

    @inlinable public static var lengthField: ExchangeableField<NetFrame, UInt16> { .init(offset: 2048) }
    @inlinable public static var statusField: ExchangeableField<NetFrame, NetStatus> { .init(offset: 2050) }
}

/// A 48-bit MAC address, octet 0 (the first on the wire) in the low byte.
public struct MACAddress: BitwiseCopyable, Sendable, Equatable, CustomStringConvertible {
    public var raw: UInt64
    public init(raw: UInt64) { self.raw = raw & 0xffff_ffff_ffff }

    public func octet(_ i: Int) -> UInt8 { UInt8(truncatingIfNeeded: raw >> (8 * UInt64(i))) }

    public var description: String {
        (0..<6).map { i in
            let hex = String(octet(i), radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}

/// Whether the link is up, and at what speed.
public struct NetLink: BitwiseCopyable, Sendable, Equatable {
    public var isUp: Bool
    public var megabitsPerSecond: UInt32
    public init(isUp: Bool, megabitsPerSecond: UInt32) {
        self.isUp = isUp
        self.megabitsPerSecond = megabitsPerSecond
    }
}

/// What a device counted since it was brought up. Drops are frames the device had no buffer
/// for (as the hardware counts them); refused are frames handed back with a refusal status.
public struct NetStatistics: BitwiseCopyable, Sendable, Equatable {
    public var transmittedPackets: UInt64
    public var transmittedBytes: UInt64
    public var receivedPackets: UInt64
    public var receivedBytes: UInt64
    public var drops: UInt64
    public var refused: UInt64
    /// Times the driver reset a queue or the device (ixgbe: a transmit queue found hung).
    public var resets: UInt64
    public init(transmittedPackets: UInt64 = 0, transmittedBytes: UInt64 = 0, receivedPackets: UInt64 = 0,
                receivedBytes: UInt64 = 0, drops: UInt64 = 0, refused: UInt64 = 0, resets: UInt64 = 0) {
        self.transmittedPackets = transmittedPackets
        self.transmittedBytes = transmittedBytes
        self.receivedPackets = receivedPackets
        self.receivedBytes = receivedBytes
        self.drops = drops
        self.refused = refused
        self.resets = resets
    }

    /// A frame of `bytes` sent, or received: what every driver counts per frame.
    @inlinable public mutating func countSent(bytes: UInt64) {
        transmittedPackets &+= 1
        transmittedBytes &+= bytes
    }
    @inlinable public mutating func countReceived(bytes: UInt64) {
        receivedPackets &+= 1
        receivedBytes &+= bytes
    }
}

/// A network device, batched and zero-copy in RedLeaf's shape: frames move in an `RRefDeque`
/// and the device reads and writes their buffers in place.
public protocol NetDevice: AnyObject {
    func address() throws(RpcError) -> MACAddress
    func link() throws(RpcError) -> NetLink
    func statistics() throws(RpcError) -> NetStatistics
    /// Moves `frames` in to be sent, and hands the same deque back holding the frames the
    /// device is done with, each with its status: sent (from this call or an earlier one), or
    /// refused (bad length, no room in the ring, device failed). No frame is lost: one not yet
    /// sent stays with the device until a later call hands it back.
    func transmit(_ frames: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32>
    /// Moves `buffers` in to receive into, and hands the same deque back holding frames
    /// received (status `received`, `length` set) and buffers refused (`notAccepted`,
    /// `deviceFailed`). A buffer posted stays with the device until a frame arrives in it.
    func receive(_ buffers: consuming RRefDeque<NetFrame, 32>) throws(RpcError) -> RRefDeque<NetFrame, 32>
}
