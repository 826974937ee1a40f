import LeafInterfaces
import LeafSDK

/// The memory of one split virtqueue (virtio 1.2 §2.7), each part an RRef of the driver's given
/// to the device by address, each at least 2 KiB so that it starts a page and is contiguous:
/// 256 descriptors of 16 bytes (§2.7.5), the driver area (flags, idx, ring, used_event: §2.7.6)
/// and the device area (flags and idx, then (id, len) pairs: §2.7.8), read and written a word
/// at a time; and the virtio-net headers, 16 bytes for each chain.
typealias DescriptorTable = InlineArray<512, UInt64>
typealias DriverArea = InlineArray<1024, UInt16>
typealias DeviceArea = InlineArray<1024, UInt32>
typealias HeaderArea = InlineArray<2048, UInt8>
let largestQueue = 256
typealias Frames = RRefDeque<NetFrame, 32>

/// What differs between virtio-net's two queues (§5.1.6.2 transmit, §5.1.6.3-4 receive): which
/// queue it is, how much of a frame's buffer the device reads or writes, and what a used chain
/// makes of its frame. The queue and its loops are one piece of code for both.
protocol Direction {
    /// The virtqueue's index (§5.1.2).
    static var queue: Int { get }
    /// The buffer's descriptor for `frame`: `length` bytes the device reads, or (`forDevice`)
    /// writes; nil if the frame is refused `badLength`.
    static func buffer(for frame: borrowing RRef<NetFrame>) -> (length: Int, forDevice: Bool)?
    /// The status `frame` goes back with, the device having used its chain with `written`
    /// bytes; its length and the counters brought up to date. A use no device may make is
    /// thrown.
    static func finish(_ frame: inout RRef<NetFrame>, written: Int, _ counters: inout NetStatistics) throws(DriverError) -> NetStatus
}

/// §5.1.6.2: the header (all zero: no offload), then the frame for the device to read.
enum Transmit: Direction {
    static var queue: Int { transmitQueue }

    @inline(__always)
    static func buffer(for frame: borrowing RRef<NetFrame>) -> (length: Int, forDevice: Bool)? {
        let length = Int((try? frame.read(NetFrame.lengthField)) ?? 0)
        guard length > 0, length <= NetFrame.maximumLength else { return nil }
        return (length, false)
    }

    /// Counted now, not when posted: a frame posted may yet come back `deviceFailed`.
    @inline(__always)
    static func finish(_ frame: inout RRef<NetFrame>, written: Int, _ counters: inout NetStatistics) throws(DriverError) -> NetStatus {
        counters.countSent(bytes: UInt64((try? frame.read(NetFrame.lengthField)) ?? 0))
        return .sent
    }
}

/// §5.1.6.3-4: the whole buffer for the device to write, the header first, then the frame.
enum Receive: Direction {
    static var queue: Int { receiveQueue }

    @inline(__always)
    static func buffer(for frame: borrowing RRef<NetFrame>) -> (length: Int, forDevice: Bool)? { (2048, true) }

    /// A frame longer than a frame can be comes back `receiveError`; a length shorter than the
    /// header is the device's error.
    @inline(__always)
    static func finish(_ frame: inout RRef<NetFrame>, written: Int, _ counters: inout NetStatistics) throws(DriverError) -> NetStatus {
        guard written > netHeaderSize else {
            throw .protocolError("a used receive buffer of \(written) bytes, shorter than its header")
        }
        let length = written - netHeaderSize
        guard length <= NetFrame.maximumLength else {
            counters.refused &+= 1
            return .receiveError
        }
        try? frame.write(UInt16(length), to: NetFrame.lengthField)
        counters.countReceived(bytes: UInt64(length))
        return .received
    }
}

/// One virtqueue, from the driver's side: each frame in flight is a chain of two descriptors,
/// its header (in the header area) and its buffer (the frame's own payload: no copy), chain c
/// being descriptors 2c and 2c + 1; the frame waits in slot c of `frames` until the device has
/// used the chain. The device may use chains in any order (§2.7.8).
struct Virtqueue<D: Direction>: ~Copyable {
    var index: Int { D.queue }
    /// Descriptors in use (a power of two, at most 256), so size / 2 chains.
    let size: Int
    var descriptors: RRef<DescriptorTable>
    var driverArea: RRef<DriverArea>
    var deviceArea: RRef<DeviceArea>
    let headers: RRef<HeaderArea>
    var frames: RRefArray<NetFrame, 128>
    let descriptorsAddress: UInt64
    let driverAreaAddress: UInt64
    let deviceAreaAddress: UInt64
    let headersAddress: UInt64
    /// Free chains, a stack.
    var freeChains = InlineArray<128, UInt16>(repeating: 0)
    var freeCount = 0
    /// Free-running indices (§2.7.6, §2.7.8): the next driver-area entry, the next used entry.
    var nextAvailable: UInt16 = 0
    var lastUsed: UInt16 = 0
    /// Where this queue's notification goes, in the notify structure (§4.1.4.4).
    var notifyOffset = 0
    /// The bytes the device wrote into the chain `reap` returned last (header and frame); a
    /// property, not a second result, as a tuple cannot hold the RRef.
    var written = 0

    var chains: Int { size / 2 }
    var inFlight: Int { chains - freeCount }

    init(size: Int, function: PCIFunction) throws(DriverError) {
        self.size = size
        let descriptors: RRef<DescriptorTable>
        do { descriptors = try RRef(repeating: 0) } catch { throw .outOfMemory }
        var driverArea: RRef<DriverArea>
        do { driverArea = try RRef(repeating: 0) } catch { throw .outOfMemory }
        let deviceArea: RRef<DeviceArea>
        do { deviceArea = try RRef(repeating: 0) } catch { throw .outOfMemory }
        let headers: RRef<HeaderArea>
        do { headers = try RRef(repeating: 0) } catch { throw .outOfMemory }
        let frames: RRefArray<NetFrame, 128>
        do { frames = try RRefArray() } catch { throw .outOfMemory }
        // Polled: the device is asked not to interrupt (§2.7.7).
        do { try driverArea.write(availableNoInterrupt, at: 0) } catch { throw .memory(error) }
        let addresses: (UInt64, UInt64, UInt64, UInt64)
        do {
            addresses = (try function.deviceAddress(of: descriptors), try function.deviceAddress(of: driverArea),
                         try function.deviceAddress(of: deviceArea), try function.deviceAddress(of: headers))
        } catch { throw .device(error) }
        (descriptorsAddress, driverAreaAddress, deviceAreaAddress, headersAddress) = addresses
        self.descriptors = descriptors
        self.driverArea = driverArea
        self.deviceArea = deviceArea
        self.headers = headers
        self.frames = frames
        for c in 0..<size / 2 { freeChains[c] = UInt16(c) }
        freeCount = size / 2
    }

    /// Posts each frame of `frames` (refusing the ones `D` cannot describe or whose buffer the
    /// device cannot be given), publishes the new chains and tells the device once for the
    /// batch, then hands back, as room allows, the frames whose chains the device used; returns
    /// how many. With every chain in flight a used chain is reaped first (into the place the
    /// frame just left), so a full ring never stalls. The device is told after every refill: a
    /// frame QEMU parked while the receive ring was empty is delivered only then (DEVICE-FACTS
    /// §2). A device error is thrown once every frame of the batch is back in it.
    @inline(__always)
    mutating func post(_ frames: inout Frames, function: PCIFunction, notify: Structure, multiplier: Int,
                       _ counters: inout NetStatistics) throws(DriverError) -> Int {
        var posted = false, reaped = 0
        var trouble: DriverError? = nil
        for _ in 0..<((try? frames.count()) ?? 0) {
            guard let frame = (try? frames.pop()) ?? nil else { break }
            if trouble != nil { refuse(frame, .deviceFailed, into: &frames, &counters); continue }
            guard let buffer = D.buffer(for: frame) else { refuse(frame, .badLength, into: &frames, &counters); continue }
            // Its buffer first: once a used chain is reaped into the place this frame left, the
            // frame must go on the queue.
            guard let address = try? function.deviceAddress(of: frame) else { refuse(frame, .notAccepted, into: &frames, &counters); continue }
            if freeCount == 0 {
                do { reaped &+= try reap(into: &frames, atMost: 1, &counters) } catch {
                    trouble = error
                    refuse(frame, .deviceFailed, into: &frames, &counters)
                    continue
                }
            }
            guard let back = put(frame, at: address, length: buffer.length, forDevice: buffer.forDevice) else { posted = true; continue }
            refuse(back, .notAccepted, into: &frames, &counters)
        }
        if let trouble { throw trouble }
        if posted {
            do { try publish() } catch { throw .memory(error) }
            try kick(notify, multiplier: multiplier)
        }
        return reaped &+ (try reap(into: &frames, atMost: Int.max, &counters))
    }

    /// Hands back, in a batch, the frames whose chains the device used; returns how many. A
    /// frame whose use is the device's error goes back `deviceFailed`, and the error is thrown.
    @inline(__always)
    mutating func reap(into frames: inout Frames, atMost limit: Int, _ counters: inout NetStatistics) throws(DriverError) -> Int {
        var n = 0
        while n < limit, frames.hasRoom, var frame = try nextUsed() {
            n &+= 1
            let status: NetStatus
            do { status = try D.finish(&frame, written: written, &counters) } catch {
                refuse(frame, .deviceFailed, into: &frames, &counters)
                throw error
            }
            try? frame.write(status, to: NetFrame.statusField)
            _ = frames.push(frame)
        }
        return n
    }

    /// Tells the device the queue has new chains (§4.1.5.2): the write's address names the
    /// queue.
    func kick(_ notify: Structure, multiplier: Int) throws(DriverError) {
        Fence.beforeDoorbell()
        do { try notify.window.write16(notify.offset + notifyOffset * multiplier, UInt16(index)) }
        catch { throw .device(error) }
    }

    /// Puts `frame`, whose buffer is at device address `address`, on the queue as a chain: its
    /// header, then its buffer, `length` bytes for the device to read, or (`forDevice`) the
    /// whole buffer for it to write. Hands the frame back if no chain is free.
    mutating func put(_ frame: consuming RRef<NetFrame>, at address: UInt64, length: Int, forDevice: Bool) -> RRef<NetFrame>? {
        guard freeCount > 0 else { return frame }
        let chain = Int(freeChains[freeCount - 1])
        let write: UInt16 = forDevice ? Descriptor.write : 0
        // §2.7.5: addr (64), len (32), flags (16), next (16).
        func second(_ length: Int, _ flags: UInt16, next: Int) -> UInt64 {
            UInt64(UInt32(truncatingIfNeeded: length)) | UInt64(flags) << 32 | UInt64(UInt16(truncatingIfNeeded: next)) << 48
        }
        do {
            try descriptors.write(headersAddress &+ UInt64(16 * chain), at: 4 * chain)
            try descriptors.write(second(netHeaderSize, Descriptor.next | write, next: 2 * chain + 1), at: 4 * chain + 1)
            try descriptors.write(address, at: 4 * chain + 2)
            try descriptors.write(second(forDevice ? 2048 : length, write, next: 0), at: 4 * chain + 3)
            try driverArea.write(UInt16(2 * chain), at: 2 + Int(nextAvailable) % size)
        } catch { return frame }
        if let refused = frames.put(frame, at: chain) { return refused }
        freeCount -= 1
        nextAvailable &+= 1
        return nil
    }

    /// Makes what `put` put on the queue visible to the device (§2.7.13: the new idx after the
    /// ring entries).
    mutating func publish() throws(AccessError) {
        try driverArea.write(nextAvailable, at: 1)
    }

    /// The next chain the device used (§2.7.8), its length in `written`; nil if none. A used
    /// entry that names no chain in flight is a device error.
    mutating func nextUsed() throws(DriverError) -> RRef<NetFrame>? {
        let usedIndex: UInt16
        do { usedIndex = UInt16(truncatingIfNeeded: try deviceArea.read(at: 0) >> 16) } catch { throw .memory(error) }
        guard usedIndex != lastUsed else { return nil }
        // More used than in flight: the device moved the index wrongly (QEMU: "Guest moved
        // used index"); nothing it says can be trusted.
        guard Int(usedIndex &- lastUsed) <= inFlight else {
            throw .protocolError("the used index moved \(usedIndex &- lastUsed) past \(inFlight) chains in flight")
        }
        // The entry, and the data it covers, are read after the index.
        Fence.afterCompletion()
        let entry = 1 + 2 * (Int(lastUsed) % size)
        let id: Int
        do {
            id = Int(try deviceArea.read(at: entry))
            written = Int(try deviceArea.read(at: entry + 1))
        } catch { throw .memory(error) }
        guard id % 2 == 0, id / 2 < chains, (try? frames.isOccupied(id / 2)) == true else {
            throw .protocolError("a used entry for descriptor \(id), which heads no chain in flight")
        }
        lastUsed &+= 1
        let frame: RRef<NetFrame>
        do { frame = try frames.take(at: id / 2) } catch { throw .memory(error) }
        freeChains[freeCount] = UInt16(id / 2)
        freeCount += 1
        return frame
    }
}

/// Writes `status` into `frame` and hands it back, counted as refused (room is certain: it was
/// just taken from `frames`, or came from the queue for a place a frame left).
func refuse(_ frame: consuming RRef<NetFrame>, _ status: NetStatus, into frames: inout Frames, _ counters: inout NetStatistics) {
    var frame = frame
    try? frame.write(status, to: NetFrame.statusField)
    counters.refused &+= 1
    _ = frames.push(frame)
}
