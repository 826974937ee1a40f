import LeafInterfaces
import LeafSDK

/// A descriptor ring of queue 0 (§7.1.9, §7.2.3.3): 512 descriptors of 16 bytes in an RRef of
/// the driver's (8 KiB, page-aligned as RDBAL/TDBAL need 128-byte alignment), and the frame of
/// each descriptor in flight in the slot of the same number. Descriptors from `clean` to `tail`
/// belong to hardware (at most 511: the tail never catches the clean index, §7.1.9).
typealias DescriptorRing = InlineArray<1024, UInt64>
let ringSize = 512
typealias Frames = RRefDeque<NetFrame, 32>

/// What differs between a queue's two directions (§7.1 receive, §7.2 transmit): how a frame is
/// described to hardware, the bit that says hardware wrote its descriptor back, and what the
/// write-back makes of the frame. The ring and its loops are one piece of code for both.
protocol Direction {
    /// RDT or TDT: where the ring's new tail is written.
    static var tailRegister: Int { get }
    /// DD in a written-back descriptor's second qword.
    static var done: UInt64 { get }
    /// The second qword of `frame`'s descriptor, or nil if the frame is refused `badLength`.
    static func descriptor(for frame: borrowing RRef<NetFrame>) -> UInt64?
    /// The status `frame` goes back with, hardware having written its descriptor back as
    /// `second`; the frame's length and the counters brought up to date.
    static func finish(_ frame: inout RRef<NetFrame>, writtenBack second: UInt64, _ counters: inout NetStatistics) -> NetStatus
}

/// §7.2.3.2.4: one advanced data descriptor a frame, RS set, so that DD is written back.
enum Transmit: Direction {
    static var tailRegister: Int { Register.tdt }
    static var done: UInt64 { AdvancedDescriptor.transmitDone }

    @inline(__always)
    static func descriptor(for frame: borrowing RRef<NetFrame>) -> UInt64? {
        let length = UInt64((try? frame.read(NetFrame.lengthField)) ?? 0)
        // At least 17 bytes: the 82599 cannot send a shorter payload (§7.2.3.2.4, PAYLEN).
        guard length >= 17, length <= UInt64(NetFrame.maximumLength) else { return nil }
        // DTALEN and PAYLEN (olinfo_status 31:14, bit 46 of the qword) are the frame's length.
        return AdvancedDescriptor.transmitCommand | length | length << 46
    }

    @inline(__always)
    static func finish(_ frame: inout RRef<NetFrame>, writtenBack second: UInt64, _ counters: inout NetStatistics) -> NetStatus {
        counters.countSent(bytes: UInt64((try? frame.read(NetFrame.lengthField)) ?? 0))
        return .sent
    }
}

/// §7.1.6: one-buffer advanced descriptors; a frame is one buffer (EOP), with no error and a
/// length that fits, or its buffer comes back `receiveError`.
enum Receive: Direction {
    static var tailRegister: Int { Register.rdt }
    static var done: UInt64 { AdvancedDescriptor.done }

    /// Read format: the packet buffer, and a header buffer of 0 (its bit 0 becomes DD).
    @inline(__always)
    static func descriptor(for frame: borrowing RRef<NetFrame>) -> UInt64? { 0 }

    @inline(__always)
    static func finish(_ frame: inout RRef<NetFrame>, writtenBack second: UInt64, _ counters: inout NetStatistics) -> NetStatus {
        let length = Int((second >> 32) & 0xffff)
        guard second & AdvancedDescriptor.endOfPacket != 0, second & AdvancedDescriptor.errors == 0,
              length > 0, length <= NetFrame.maximumLength else {
            counters.refused &+= 1
            return .receiveError
        }
        try? frame.write(UInt16(length), to: NetFrame.lengthField)
        counters.countReceived(bytes: UInt64(length))
        return .received
    }
}

struct Ring<D: Direction>: ~Copyable {
    var descriptors: RRef<DescriptorRing>
    let address: UInt64
    var frames: RRefArray<NetFrame, 512>
    /// The next descriptor the driver gives hardware, and the next it checks for DD.
    var tail = 0
    var clean = 0
    var inFlight = 0

    init(function: PCIFunction) throws(DriverError) {
        let descriptors: RRef<DescriptorRing>
        do { descriptors = try RRef(repeating: 0) } catch { throw .outOfMemory }
        let frames: RRefArray<NetFrame, 512>
        do { frames = try RRefArray() } catch { throw .outOfMemory }
        let address: UInt64
        do { address = try function.deviceAddress(of: descriptors) } catch { throw .device(error) }
        self.descriptors = descriptors
        self.frames = frames
        self.address = address
    }

    var hasRoom: Bool { inFlight < ringSize - 1 }

    /// Posts each frame of `frames` (refusing the ones `D` cannot describe or whose buffer the
    /// device cannot be given), moves the tail once for the batch, and hands back, as room
    /// allows, the frames whose descriptors hardware has written back; returns how many. With
    /// the ring full, a written-back descriptor is cleaned first (into the place the frame just
    /// left), so a full ring never stalls.
    @inline(__always)
    mutating func post(_ frames: inout Frames, function: PCIFunction, registers: MMIOWindow,
                       _ counters: inout NetStatistics) -> Int {
        var posted = false, cleaned = 0
        for _ in 0..<((try? frames.count()) ?? 0) {
            guard let frame = (try? frames.pop()) ?? nil else { break }
            guard let second = D.descriptor(for: frame) else { refuse(frame, .badLength, into: &frames, &counters); continue }
            // Its buffer first: once a written-back descriptor is cleaned into the place this
            // frame left, the frame must go on the ring.
            guard let address = try? function.deviceAddress(of: frame) else { refuse(frame, .notAccepted, into: &frames, &counters); continue }
            if !hasRoom { cleaned &+= clean(into: &frames, atMost: 1, &counters) }
            guard let back = put(frame, at: address, second: second) else { posted = true; continue }
            refuse(back, .notAccepted, into: &frames, &counters)
        }
        if posted {
            Fence.beforeDoorbell()
            try? registers.write32(D.tailRegister, UInt32(tail))
        }
        return cleaned &+ clean(into: &frames, atMost: Int.max, &counters)
    }

    /// Hands back, in a batch, the frames whose descriptors hardware wrote back (never reading
    /// one before its DD); returns how many.
    @inline(__always)
    mutating func clean(into frames: inout Frames, atMost limit: Int, _ counters: inout NetStatistics) -> Int {
        var n = 0
        while n < limit, frames.hasRoom, let second = (try? writtenBack()) ?? nil, var frame = try? takeClean() {
            let status = D.finish(&frame, writtenBack: second, &counters)
            try? frame.write(status, to: NetFrame.statusField)
            _ = frames.push(frame)
            n &+= 1
        }
        return n
    }

    /// Gives hardware `frame`, whose buffer is at device address `address`, at the tail with
    /// `second` as the descriptor's second qword. Hands the frame back if there is no room.
    mutating func put(_ frame: consuming RRef<NetFrame>, at address: UInt64, second: UInt64) -> RRef<NetFrame>? {
        guard hasRoom else { return frame }
        do {
            try descriptors.write(address, at: 2 * tail)
            try descriptors.write(second, at: 2 * tail + 1)
        } catch { return frame }
        if let refused = frames.put(frame, at: tail) { return refused }
        tail = tail &+ 1 == ringSize ? 0 : tail &+ 1
        inFlight &+= 1
        return nil
    }

    /// The second qword of the descriptor at `clean`, once its DD says hardware wrote it back;
    /// nil before.
    func writtenBack() throws(AccessError) -> UInt64? {
        guard inFlight > 0 else { return nil }
        let second = try descriptors.read(at: 2 * clean + 1)
        guard second & D.done != 0 else { return nil }
        // The rest of the descriptor, and the buffer, are read after DD.
        Fence.afterCompletion()
        return second
    }

    /// Takes the frame at `clean` back from hardware (written back, or the queue stopped).
    mutating func takeClean() throws(AccessError) -> RRef<NetFrame> {
        let frame = try frames.take(at: clean)
        clean = clean &+ 1 == ringSize ? 0 : clean &+ 1
        inFlight &-= 1
        return frame
    }

    /// An empty ring starts again at descriptor 0, as the queue's head and tail will once the
    /// driver writes them (a queue set up again after it was stopped).
    mutating func rewind() {
        tail = 0
        clean = 0
    }
}

/// Hands `frame` back with `status`, counted as refused.
func refuse(_ frame: consuming RRef<NetFrame>, _ status: NetStatus, into frames: inout Frames, _ counters: inout NetStatistics) {
    var frame = frame
    try? frame.write(status, to: NetFrame.statusField)
    counters.refused &+= 1
    _ = frames.push(frame)
}
