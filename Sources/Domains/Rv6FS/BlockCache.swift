import LeafInterfaces
import LeafSDK

/// The buffer cache (xv6's bio.c) over a 4 KiB block device: each slot holds one device block,
/// four file-system blocks, in the very request buffer the driver transfers (zero copy: a read
/// moves the slot's request to the driver and back). The file system reads and writes the
/// blocks in place, by field or byte range. A slot with logged changes is pinned until the
/// log has installed them; otherwise the least recently used unreferenced slot is reused.
final class BlockCache {
    /// The most slots a cache can have (its buffers' array), and the slots this one uses.
    static var maximumSlots: Int { 48 }
    let capacity: Int
    /// File-system blocks per device block.
    static var blocksPerDeviceBlock: Int { 4 }

    let device: any BlockDevice
    /// The slots' buffers: every slot holds one, except after the driver crashed holding it.
    var buffers: RRefArray<BlockRequest, 48>
    /// The device block each slot holds (`noBlock`: none), and whether its contents are read.
    var deviceBlock: [UInt64]
    var valid: [Bool]
    /// Pinned: holds changes the log has not installed (never reused, never re-read).
    var pinned: [Bool]
    var references: [Int]
    var lastUse: [UInt64]
    var clock: UInt64 = 0
    /// The deque requests move to the driver and back in.
    var batch: RRefDeque<BlockRequest, 128>?
    var hits: UInt64 = 0, deviceReads: UInt64 = 0, deviceWrites: UInt64 = 0
    /// Scratch arrays kept between calls, so that a transfer allocates nothing: one slot, the
    /// requests in flight, and the slots a commit or an install writes.
    var oneSlot: [Int] = [0]
    var sent: [ObjectID] = []
    var gathered: [Int] = []
    /// Device blocks on the device.
    let deviceBlocks: UInt64

    static var noBlock: UInt64 { UInt64.max }

    init(device: any BlockDevice, deviceBlocks: UInt64, slots: Int = BlockCache.maximumSlots) throws(SystemError) {
        // An operation pins at most about MAXOPBLOCKS device blocks (mount bounds the bitmap
        // so that a truncation does too) and holds three more while the log takes three.
        precondition(slots >= 16 && slots <= Self.maximumSlots, "a buffer cache of 16 to 48 slots")
        capacity = slots
        self.device = device
        self.deviceBlocks = deviceBlocks
        do {
            buffers = try RRefArray()
            batch = try RRefDeque()
        } catch { throw .ioError }
        deviceBlock = Array(repeating: Self.noBlock, count: capacity)
        valid = Array(repeating: false, count: capacity)
        pinned = Array(repeating: false, count: capacity)
        references = Array(repeating: 0, count: capacity)
        lastUse = Array(repeating: 0, count: capacity)
        for slot in 0..<capacity { try refill(slot) }
    }

    /// The slot holding file-system block `block`, read from the device if need be; held
    /// until `release`.
    func get(_ block: UInt32) throws(SystemError) -> Int {
        let wanted = UInt64(block) / UInt64(Self.blocksPerDeviceBlock)
        guard wanted < deviceBlocks else { throw .corrupt }
        clock &+= 1
        if let slot = deviceBlock.firstIndex(of: wanted) {
            references[slot] += 1
            lastUse[slot] = clock
            if valid[slot] {
                hits &+= 1
                return slot
            }
            do throws(SystemError) { try transferOne(slot, .read) } catch {
                references[slot] -= 1
                throw error
            }
            return slot
        }
        let victim = try reuse(for: wanted)
        do throws(SystemError) { try transferOne(victim, .read) } catch {
            references[victim] = 0
            unmap(victim)
            throw error
        }
        return victim
    }

    /// A slot for device block `block` whose contents are about to be overwritten whole: not
    /// read from the device. Held until `release`.
    func claim(_ block: UInt64) throws(SystemError) -> Int {
        guard block < deviceBlocks else { throw .corrupt }
        clock &+= 1
        if let slot = deviceBlock.firstIndex(of: block) {
            references[slot] += 1
            valid[slot] = true
            return slot
        }
        let slot = try reuse(for: block)
        try refill(slot)
        valid[slot] = true
        return slot
    }

    /// The least recently used slot no one holds and the log does not pin, given to `block`
    /// and held (its contents not yet valid).
    func reuse(for block: UInt64) throws(SystemError) -> Int {
        var victim = -1
        for slot in 0..<capacity where references[slot] == 0 && !pinned[slot] {
            if victim < 0 || lastUse[slot] < lastUse[victim] { victim = slot }
        }
        // Every slot held or pinned: the operation needs more of the cache than it has (mount
        // bounds the file system so that none does); it is abandoned, not finished.
        guard victim >= 0 else { throw .transactionTooLarge }
        deviceBlock[victim] = block
        valid[victim] = false
        references[victim] = 1
        lastUse[victim] = clock
        return victim
    }

    func release(_ slot: Int) { references[slot] -= 1 }

    /// The byte offset of file-system block `block` in its slot's buffer.
    static func offset(of block: UInt32) -> Int { Int(block % 4) * DiskFormat.blockSize }

    func read<Value: Exchangeable>(_ block: UInt32, in slot: Int, at offset: Int, as _: Value.Type) throws(SystemError) -> Value {
        do { return try buffers.read(ExchangeableField<BlockRequest, Value>(offset: Self.offset(of: block) + offset), at: slot) }
        catch { throw .ioError }
    }

    func write<Value: Exchangeable>(_ value: Value, _ block: UInt32, in slot: Int, at offset: Int) throws(SystemError) {
        do { try buffers.write(value, to: ExchangeableField<BlockRequest, Value>(offset: Self.offset(of: block) + offset), at: slot) }
        catch { throw .ioError }
    }

    /// Writes one slot to the device and waits for it.
    func writeOut(_ slot: Int) throws(SystemError) { try transferOne(slot, .write) }

    func transferOne(_ slot: Int, _ operation: BlockOperation) throws(SystemError) {
        oneSlot[0] = slot
        try transfer(oneSlot, operation)
    }

    /// Writes the slots to the device, in one batch, and waits for every one.
    func writeOut(_ slots: [Int]) throws(SystemError) {
        guard !slots.isEmpty else { return }
        try transfer(slots, .write)
    }

    /// Asks the device to put every completed write on stable media.
    func flush() throws(SystemError) {
        var requests = try takeBatch()
        guard let request = try? RRef(BlockRequest(.flush, block: 0, data: .init(repeating: 0))) else { throw .ioError }
        let flushID = request.id
        _ = requests.push(request)
        var flushed = false
        var polls = 0
        while !flushed && polls < Self.pollLimit {
            polls += 1
            guard let back = try? device.submitAndCollect(requests) else { throw .ioError }
            requests = back
            while let done = try? requests.pop() {
                guard done.id == flushID else { continue }   // a late request of an earlier transfer: dropped
                flushed = true
                guard (try? done.read(BlockRequest.statusField)) == .success else {
                    // Whatever else came back is dropped here: a deque handed to the driver
                    // again is submitted again.
                    while let stray = try? requests.pop() { _ = consume stray }
                    batch = .some(requests)
                    throw .ioError
                }
            }
        }
        batch = .some(requests)
        if !flushed { throw .ioError }
    }

    /// Forgets what the cache holds of device block `block` (a write whose outcome is unknown).
    func forget(deviceBlockOf fsBlock: UInt32) {
        let wanted = UInt64(fsBlock) / UInt64(Self.blocksPerDeviceBlock)
        if let slot = deviceBlock.firstIndex(of: wanted), references[slot] == 0 { unmap(slot) }
    }

    /// The slot holds no block any more (re-read from the device when next wanted).
    func unmap(_ slot: Int) {
        valid[slot] = false
        pinned[slot] = false
        deviceBlock[slot] = Self.noBlock
    }

    /// The log has installed every change: nothing is pinned.
    func unpinAll() {
        for slot in 0..<capacity { pinned[slot] = false }
    }

    /// Forgets every slot's contents that the log has not installed (an operation that failed
    /// part way: the disk never saw its changes, so re-reading it gives the state before).
    func discardPinned() {
        for slot in 0..<capacity where pinned[slot] { unmap(slot) }
    }

    /// Polls of the driver before a request counts as lost (the driver times requests out and
    /// hands them back itself; this only bounds a driver that never does).
    static var pollLimit: Int { 1_000_000 }

    func takeBatch() throws(SystemError) -> RRefDeque<BlockRequest, 128> {
        if let b = batch.take() { return b }
        guard let fresh = try? RRefDeque<BlockRequest, 128>() else { throw .ioError }
        return fresh
    }

    /// Moves the slots' buffers to the driver as `operation` requests and back into their
    /// slots. A request is known by its object, not by the block it names: one the driver hands
    /// back late, or with another block number, is never taken for another slot's. A slot whose
    /// buffer did not come back holds nothing valid (it gets a fresh buffer when next used).
    func transfer(_ slots: [Int], _ operation: BlockOperation) throws(SystemError) {
        var requests = try takeBatch()
        var failed = false
        sent.removeAll(keepingCapacity: true)
        for slot in slots {
            try refill(slot)
            guard var request = try? buffers.take(at: slot) else { throw .ioError }
            do {
                try request.write(deviceBlock[slot], to: BlockRequest.blockField)
                try request.write(operation, to: BlockRequest.operationField)
                try request.write(.pending, to: BlockRequest.statusField)
            } catch {
                // Never sent with another transfer's fields.
                _ = buffers.put(request, at: slot)
                sent.append(ObjectID.none)
                failed = true
                continue
            }
            sent.append(request.id)
            if let refused = requests.push(request) {
                _ = buffers.put(refused, at: slot)
                sent[sent.count - 1] = ObjectID.none
                failed = true
            }
        }
        var outstanding = 0
        for id in sent where id != ObjectID.none { outstanding += 1 }
        var polls = 0
        while outstanding > 0 && polls < Self.pollLimit {
            polls += 1
            guard let back = try? device.submitAndCollect(requests) else {
                // The driver is gone with the buffers it held: those slots are refilled empty.
                batch = nil
                for slot in slots { valid[slot] = false }
                throw .ioError
            }
            requests = back
            while let done = try? requests.pop() {
                guard let i = sent.firstIndex(of: done.id) else { continue }   // not one of ours: dropped
                sent[i] = ObjectID.none
                if (try? done.read(BlockRequest.statusField)) != .success { failed = true }
                _ = buffers.put(done, at: slots[i])
                outstanding -= 1
            }
        }
        batch = .some(requests)
        for (i, slot) in slots.enumerated() {
            if sent[i] != ObjectID.none || operation == .read && failed { valid[slot] = false }
            else if operation == .read { valid[slot] = true }
        }
        if outstanding > 0 { failed = true }
        if operation == .read { deviceReads &+= UInt64(slots.count) } else { deviceWrites &+= UInt64(slots.count) }
        if failed { throw .ioError }
    }

    /// Gives a slot a buffer if it lost its own (moved into a driver that crashed).
    func refill(_ slot: Int) throws(SystemError) {
        if (try? buffers.isOccupied(slot)) == true { return }
        guard let fresh = try? RRef(BlockRequest(.read, block: 0)) else { throw .ioError }
        _ = buffers.put(fresh, at: slot)
        valid[slot] = false
    }
}
