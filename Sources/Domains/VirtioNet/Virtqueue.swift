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

/// One virtqueue, from the driver's side: each frame in flight is a chain of two descriptors,
/// its header (in the header area) and its buffer (the frame's own payload: no copy), chain c
/// being descriptors 2c and 2c + 1; the frame waits in slot c of `frames` until the device has
/// used the chain. The device may use chains in any order (§2.7.8).
struct Virtqueue: ~Copyable {
    let index: Int
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

    init(index: Int, size: Int, function: PCIFunction) throws(DriverError) {
        self.index = index
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

    /// Puts `frame`, whose buffer is at device address `address`, on the queue as a chain: its
    /// header, then its buffer, `length` bytes for the device to read, or (`forDevice`) the
    /// whole buffer for it to write. Hands the frame back if no chain is free.
    mutating func post(_ frame: consuming RRef<NetFrame>, at address: UInt64, length: Int, forDevice: Bool) -> RRef<NetFrame>? {
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

    /// Makes what `post` put on the queue visible to the device (§2.7.13: the new idx after the
    /// ring entries).
    mutating func publish() throws(AccessError) {
        try driverArea.write(nextAvailable, at: 1)
    }

    /// The next chain the device used (§2.7.8), its length in `written`; nil if none. A used
    /// entry that names no chain in flight is a device error.
    mutating func reap() throws(DriverError) -> RRef<NetFrame>? {
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
