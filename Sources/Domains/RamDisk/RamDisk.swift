import LeafInterfaces
import LeafSDK

/// A block device in memory: 4 KiB blocks in the domain's own storage, each request done at
/// once (copied into or out of its buffer) and handed back in the same call. Rv6's disk on the
/// host, and the disk of a test that cuts the power: after `cutPower(afterWrites:)`, writes
/// past the given count are acknowledged but never stored, as a machine that lost power never
/// stores what it had not yet written.
public final class RamDisk: BlockDevice {
    /// The disk's bytes, block after block.
    var storage: [UInt8]
    var blockCount: Int { storage.count / 4096 }
    var counters = BlockStatistics(submitted: 0, completed: 0, errors: 0, resets: 0)
    /// Writes still stored before the power goes (nil: it never does).
    var writesBeforeCut: Int? = nil
    /// Writes stored, and writes asked for (stored or, after the cut, not).
    public private(set) var writesStored = 0
    public private(set) var writesAsked = 0

    static var dataField: ExchangeableField<BlockRequest, InlineArray<4096, UInt8>> { .init(offset: 0) }

    public init(blocks count: Int) {
        storage = Array(repeating: 0, count: count * 4096)
    }

    /// A disk holding `image` (its length rounded up to whole blocks with zeros).
    public init(image: [UInt8]) {
        storage = image
        storage.append(contentsOf: repeatElement(0, count: (4096 - image.count % 4096) % 4096))
    }

    /// The disk's bytes.
    public func image() -> [UInt8] { storage }

    /// After `count` more writes, the power is cut: later writes are not stored.
    public func cutPower(afterWrites count: Int) { writesBeforeCut = count }

    /// While set, every write and flush fails (`deviceFailed`) and stores nothing.
    public var failing = false
    /// After this many more writes, `failing` is set.
    public var writesBeforeFailing: Int? = nil

    public func geometry() throws(RpcError) -> BlockGeometry {
        BlockGeometry(blocks: UInt64(blockCount), blockSize: 4096, sectorSize: 512, queueDepth: 128)
    }

    public func statistics() throws(RpcError) -> BlockStatistics { counters }

    public func submitAndCollect(_ batch: consuming RRefDeque<BlockRequest, 128>) throws(RpcError) -> RRefDeque<BlockRequest, 128> {
        var batch = batch
        let count = (try? batch.count()) ?? 0
        for position in 0..<count {
            let status = perform(&batch, at: position)
            try? batch.write(status, to: BlockRequest.statusField, at: position)
            counters.submitted &+= 1
            counters.completed &+= 1
            if status != .success { counters.errors &+= 1 }
        }
        return batch
    }

    func perform(_ batch: inout RRefDeque<BlockRequest, 128>, at position: Int) -> BlockStatus {
        guard let operation = try? batch.read(BlockRequest.operationField, at: position),
              let block = try? batch.read(BlockRequest.blockField, at: position) else { return .invalidOperation }
        if operation == .write, let left = writesBeforeFailing {
            if left == 0 { failing = true; writesBeforeFailing = nil } else { writesBeforeFailing = left - 1 }
        }
        if failing && operation != .read { return .deviceFailed }
        if operation == .flush { return .success }
        guard operation == .read || operation == .write else { return .invalidOperation }
        guard block < UInt64(blockCount) else { return .outOfRange }
        let base = Int(block) * 4096
        if operation == .read {
            let data = InlineArray<4096, UInt8> { storage[base + $0] }
            guard (try? batch.write(data, to: Self.dataField, at: position)) != nil else { return .deviceFailed }
            return .success
        }
        writesAsked += 1
        if let left = writesBeforeCut {
            guard left > 0 else { return .success }   // the power is off: acknowledged, not stored
            writesBeforeCut = left - 1
        }
        guard let data = try? batch.read(Self.dataField, at: position) else { return .deviceFailed }
        // Through spans: subscripting the InlineArray here copied it whole for each byte (perf).
        let bytes = data.span
        var medium = storage.mutableSpan
        for i in 0..<4096 { medium[base + i] = bytes[i] }
        writesStored += 1
        return .success
    }
}
