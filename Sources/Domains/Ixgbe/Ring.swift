import LeafInterfaces
import LeafSDK

/// A descriptor ring of queue 0 (§7.1.9, §7.2.3.3): 512 descriptors of 16 bytes in an RRef of
/// the driver's (8 KiB, page-aligned as RDBAL/TDBAL need 128-byte alignment), and the frame of
/// each descriptor in flight in the slot of the same number. Descriptors from `clean` to `tail`
/// belong to hardware (at most 511: the tail never catches the clean index, §7.1.9).
typealias DescriptorRing = InlineArray<1024, UInt64>
let ringSize = 512

struct Ring: ~Copyable {
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

    /// The second qword of the descriptor at `clean`, once `done` says hardware wrote it back;
    /// nil before.
    func writtenBack(_ done: UInt64) throws(AccessError) -> UInt64? {
        guard inFlight > 0 else { return nil }
        let second = try descriptors.read(at: 2 * clean + 1)
        guard second & done != 0 else { return nil }
        // The rest of the descriptor, and the buffer, are read after DD.
        Fence.afterCompletion()
        return second
    }

    /// Takes the frame at `clean` back from hardware.
    mutating func takeClean() throws(AccessError) -> RRef<NetFrame> {
        let frame = try frames.take(at: clean)
        clean = clean &+ 1 == ringSize ? 0 : clean &+ 1
        inFlight &-= 1
        return frame
    }
}
