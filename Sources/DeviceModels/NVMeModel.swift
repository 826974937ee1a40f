@_spi(Kernel) import LeafCore
import LeafDevices

/// A behavioural model of an NVMe controller (NVMe 1.4), at the register and queue level, shaped
/// after QEMU 7.2's `-device nvme` (DEVICE-FACTS §1): PCI 1b36:0010, class 01/08/02, one 16 KiB
/// 64-bit BAR; CAP/VS/CC/CSTS/AQA/ASQ/ACQ, doorbells of stride 4 from 0x1000; SQ entries fetched
/// by DMA at the doorbell; completions posted later (after `latency` of the bus's virtual time,
/// when the driver next touches a register or the test calls `step()`), in random order if
/// `reorders`, with the phase tag; a full CQ holds completions until its head doorbell moves.
/// Admin: Identify (controller, namespace 1), Create/Delete I/O SQ and CQ. I/O on namespace 1:
/// Read, Write (PRP1, PRP2 or a PRP list, into `storage`), Flush. QEMU's checks and status codes:
/// entry sizes in the enabling CC write, page-aligned queues, queue IDs and sizes, NSID, LBA
/// range, MDTS. Faults, injected by the ordinal of a read or write command (counted from 0 as
/// the controller fetches them): an error status, a completion that never comes, a fatal error
/// (CSTS.CFS; the controller stops until reset). Each command a fault hits is recorded in
/// `affected` by its first data address, as the test knows its request's buffer.
public final class NVMeModel: PCIDeviceModel {
    public let identity = ModelIdentity(vendorID: 0x1b36, deviceID: 0x0010, revision: 0x02, classCode: 0x01, subclass: 0x08, progIF: 0x02,
                                        bars: [(slot: 0, kind: .memory64, size: 16 * 1024)])

    public enum Fault: Equatable, Sendable {
        /// Completes with this status field (SCT in bits 10:8, SC in 7:0), doing nothing.
        case status(UInt16)
        /// Is fetched and never completed.
        case neverCompletes
        /// The controller fails fatally as it fetches it (CSTS.CFS).
        case fatal
    }

    /// The medium: `sectors` sectors of `sectorSize` bytes.
    public private(set) var storage: [UInt8]
    public let sectorSize: Int
    public var sectors: Int { storage.count / sectorSize }
    /// How long a command takes, in the bus's microseconds (drawn per command); 0...0 completes
    /// every command within the doorbell write that submits it.
    public var latency: ClosedRange<UInt64> = 0...0
    public var reorders = false
    public var faults: [(ordinal: Int, fault: Fault)] = []
    public private(set) var affected: [(address: UInt64, opcode: UInt8, fault: Fault)] = []
    public private(set) var readWriteCommands = 0
    public private(set) var flushes = 0
    public private(set) var resets = 0
    public private(set) var commandsCompleted = 0
    /// When set, the cycles spent inside the model's register accesses are counted there (what
    /// the benchmark subtracts to leave the driver's own cost).
    public var cycleAccount: CycleAccount? = nil

    let maximumQueueEntries: Int
    let timeoutUnits: UInt64
    let mdts: UInt8
    var random: UInt64
    var memory: ModelMemory? = nil

    var configuration: UInt32 = 0
    var status: UInt32 = 0
    var adminAttributes: UInt32 = 0
    var adminSubmissionBase: UInt64 = 0
    var adminCompletionBase: UInt64 = 0

    struct SubmissionQueue { let base: UInt64; let size: Int; let completionQueue: Int; var head = 0; var tail = 0 }
    struct CompletionQueue { let base: UInt64; let size: Int; var head = 0; var tail = 0; var phase: UInt32 = 1 }
    static let queueSlots = 8
    var submissionQueues = [SubmissionQueue?](repeating: nil, count: queueSlots)
    var completionQueues = [CompletionQueue?](repeating: nil, count: queueSlots)

    /// A fetched command: its dwords, where it came from, and when it is done.
    struct Command {
        var words: InlineArray<8, UInt64>
        let queue: Int
        let due: UInt64
        var opcode: UInt8 { UInt8(truncatingIfNeeded: words[0]) }
        var commandID: UInt16 { UInt16(truncatingIfNeeded: words[0] >> 16) }
        var namespace: UInt32 { UInt32(truncatingIfNeeded: words[0] >> 32) }
        var prp1: UInt64 { words[3] }
        var prp2: UInt64 { words[4] }
        var cdw10: UInt32 { UInt32(truncatingIfNeeded: words[5]) }
        var cdw11: UInt32 { UInt32(truncatingIfNeeded: words[5] >> 32) }
        var cdw12: UInt32 { UInt32(truncatingIfNeeded: words[6]) }
    }
    var running: [Command] = []
    /// Completions waiting for room in their CQ: (queue, command ID, status, dword 0), and the
    /// command's first data address and opcode (what a fatal error records of it).
    var unposted: [(queue: Int, commandID: UInt16, status: UInt16, result: UInt32, prp1: UInt64, opcode: UInt8)] = []

    public init(sectors: Int, sectorSize: Int = 512, maximumQueueEntries: Int = 2048, timeoutUnits: UInt8 = 1,
                mdts: UInt8 = 7, seed: UInt64 = 1) {
        precondition(sectorSize == 512 || sectorSize == 4096, "the model's LBA formats are 512 B and 4 KiB")
        storage = Array(repeating: 0, count: sectors * sectorSize)
        self.sectorSize = sectorSize
        self.maximumQueueEntries = maximumQueueEntries
        self.timeoutUnits = UInt64(timeoutUnits)
        self.mdts = mdts
        random = seed | 1
    }

    public func attached(memory: ModelMemory) { self.memory = memory }

    /// Puts `bytes` on the medium from its start (a disk image; the rest keeps what it held).
    public func load(_ bytes: [UInt8]) {
        precondition(bytes.count <= storage.count, "the image is larger than the medium")
        storage.replaceSubrange(0..<bytes.count, with: bytes)
    }

    var now: UInt64 { memory?.clock.microseconds ?? 0 }
    var isFatal: Bool { status & 0x2 != 0 }

    // MARK: Registers (§3.1)

    var capabilities: UInt64 {
        // MQES 15:0 (0-based), CQR 16, TO 31:24, DSTRD 0, CSS bit 37 (NVM), MPSMIN 0, MPSMAX 4.
        UInt64(maximumQueueEntries - 1) | 1 << 16 | timeoutUnits << 24 | 1 << 37 | 4 << 52
    }

    public func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64 {
        cycleAccount.measure { registerRead(offset: offset, width: width) }
    }

    func registerRead(offset: Int, width: Int) -> UInt64 {
        let value: UInt64
        switch offset {
        case 0x00: value = capabilities
        case 0x04: value = capabilities >> 32
        case 0x08: value = 0x0001_0400
        case 0x14: value = UInt64(configuration)
        case 0x1c:
            // A status read is where a polling driver waits: the device gets on with its work.
            progress()
            value = UInt64(status)
        case 0x24: value = UInt64(adminAttributes)
        case 0x28: value = adminSubmissionBase
        case 0x2c: value = adminSubmissionBase >> 32
        case 0x30: value = adminCompletionBase
        case 0x34: value = adminCompletionBase >> 32
        default: value = 0
        }
        return width == 8 ? value : value & allOnes(width)
    }

    public func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError) {
        cycleAccount.measure { Kernel.inKernelHeap {
            let low = UInt32(truncatingIfNeeded: value)
            switch offset {
            case 0x14: setConfiguration(low)
            case 0x24: adminAttributes = low
            case 0x28: adminSubmissionBase = width == 8 ? value : adminSubmissionBase & ~0xffff_ffff | UInt64(low)
            case 0x2c: adminSubmissionBase = adminSubmissionBase & 0xffff_ffff | UInt64(low) << 32
            case 0x30: adminCompletionBase = width == 8 ? value : adminCompletionBase & ~0xffff_ffff | UInt64(low)
            case 0x34: adminCompletionBase = adminCompletionBase & 0xffff_ffff | UInt64(low) << 32
            case 0x1000..<0x1000 + 8 * Self.queueSlots where width == 4: doorbell((offset - 0x1000) / 4, Int(low))
            default: break
            }
        } }
    }

    /// CC (§3.1.5): EN 0→1 creates the admin queues if QEMU's checks pass (else CSTS.CFS);
    /// EN 1→0 resets the controller: every queue and command is dropped, CSTS clears.
    func setConfiguration(_ value: UInt32) {
        let enabling = value & 1 != 0 && configuration & 1 == 0, disabling = value & 1 == 0 && configuration & 1 != 0
        configuration = value
        if disabling {
            submissionQueues = .init(repeating: nil, count: Self.queueSlots)
            completionQueues = .init(repeating: nil, count: Self.queueSlots)
            running.removeAll(keepingCapacity: true)
            unposted.removeAll(keepingCapacity: true)
            status = 0
            resets += 1
        }
        guard enabling else { return }
        let sqes = (value >> 16) & 0xf, cqes = (value >> 20) & 0xf, mps = (value >> 7) & 0xf, css = (value >> 4) & 0x7
        let sqSize = Int(adminAttributes & 0xfff) + 1, cqSize = Int((adminAttributes >> 16) & 0xfff) + 1
        guard sqes == 6, cqes == 4, mps == 0, css == 0, sqSize > 1, cqSize > 1,
              adminSubmissionBase & 0xfff == 0, adminCompletionBase & 0xfff == 0 else {
            status = 0x2
            return
        }
        submissionQueues[0] = SubmissionQueue(base: adminSubmissionBase, size: sqSize, completionQueue: 0)
        completionQueues[0] = CompletionQueue(base: adminCompletionBase, size: cqSize)
        status = 0x1
    }

    /// Doorbell `index` (§3.1.24-25): even ones are SQ tails, odd ones CQ heads. A write to a
    /// queue that does not exist, or of a value past its end, is ignored (as QEMU does).
    func doorbell(_ index: Int, _ value: Int) {
        guard !isFatal, configuration & 1 != 0 else { return }
        let queue = index / 2
        if index % 2 == 0 {
            guard let sq = submissionQueues[queue], value < sq.size else { return }
            submissionQueues[queue]!.tail = value
            fetch(queue)
        } else {
            guard let cq = completionQueues[queue], value < cq.size else { return }
            completionQueues[queue]!.head = value
        }
        progress()
    }

    // MARK: Commands

    /// Reads every command between the SQ's head and tail (§4.1); a fetch that fails is fatal.
    func fetch(_ queue: Int) {
        while let sq = submissionQueues[queue], sq.head != sq.tail, !isFatal {
            var words = InlineArray<8, UInt64>(repeating: 0)
            do throws(DeviceError) {
                // The whole 64-byte entry in one access (a device fetches it in one read).
                let entry = try memory.unsafelyUnwrapped.resolve(sq.base &+ UInt64(sq.head * 64), 64)
                for i in 0..<8 { words[i] = UInt64(littleEndian: entry.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self)) }
            } catch { status |= 0x2; return }
            submissionQueues[queue]!.head = (sq.head + 1) % sq.size
            let command = Command(words: words, queue: queue, due: now &+ draw(latency))
            if queue != 0 && (command.opcode == 0x01 || command.opcode == 0x02) {
                let ordinal = readWriteCommands
                readWriteCommands += 1
                if let fault = faults.first(where: { $0.ordinal == ordinal })?.fault {
                    affected.append((command.prp1, command.opcode, fault))
                    switch fault {
                    case .status(let code): unposted.append((queue, command.commandID, code, 0, command.prp1, command.opcode)); continue
                    case .neverCompletes: continue
                    case .fatal: failFatally(); return
                    }
                }
            }
            running.append(command)
        }
    }

    /// CSTS.CFS: every command in flight, fetched or not, is lost with the controller.
    func failFatally() {
        status |= 0x2
        // Lost too: completions not yet posted (their work may be done: a write may be on the medium).
        for command in running { affected.append((command.prp1, command.opcode, .fatal)) }
        for c in unposted where c.queue != 0 { affected.append((c.prp1, c.opcode, .fatal)) }
        for (queue, sq) in submissionQueues.enumerated() where queue != 0 {
            guard let sq else { continue }
            var head = sq.head
            while head != sq.tail {
                let base = sq.base &+ UInt64(head * 64)
                let first = (try? memory.unsafelyUnwrapped.load(base, as: UInt64.self)) ?? 0
                let prp1 = (try? memory.unsafelyUnwrapped.load(base &+ 24, as: UInt64.self)) ?? 0
                affected.append((prp1, UInt8(truncatingIfNeeded: first), .fatal))
                head = (head + 1) % sq.size
            }
        }
        running.removeAll(keepingCapacity: true)
        unposted.removeAll(keepingCapacity: true)
    }

    /// Completes the work that is due now.
    public func step() {
        Kernel.inKernelHeap { progress() }
    }

    func progress() {
        guard !isFatal else { return }
        let time = now
        var i = 0
        while i < running.count {
            // Reordered: any due command may finish first.
            let pick = reorders ? i + Int(draw(0...UInt64(running.count - i - 1))) : i
            guard running[pick].due <= time else { i += 1; continue }
            let command = running[pick]
            running.remove(at: pick)
            let (code, result) = command.queue == 0 ? execute(admin: command) : execute(io: command)
            unposted.append((command.queue, command.commandID, code, result, command.prp1, command.opcode))
        }
        post()
    }

    /// Writes waiting completions into their CQs while there is room (§4.6: a CQ is full when
    /// its tail is one behind its head).
    func post() {
        // Those that stay (their CQ is full) are kept in order, compacted in place.
        var kept = 0
        defer { unposted.removeLast(unposted.count - kept) }
        for i in unposted.indices {
            let c = unposted[i]
            let sqid = c.queue
            let cqid = submissionQueues[sqid]?.completionQueue ?? sqid
            guard var cq = completionQueues[cqid] else { continue }
            guard !isFatal, (cq.tail + 1) % cq.size != cq.head else { unposted[kept] = c; kept += 1; continue }
            let sqHead = UInt32(submissionQueues[sqid]?.head ?? 0)
            // A failed status carries Do Not Retry, as QEMU's do (status bit 14).
            let statusField = UInt32(c.status) | (c.status != 0 ? 1 << 14 : 0)
            do throws(DeviceError) {
                // The 16-byte entry in one access, its status dword last (what the driver polls).
                let entry = try memory.unsafelyUnwrapped.resolve(cq.base &+ UInt64(cq.tail * 16), 16)
                entry.storeBytes(of: c.result.littleEndian, as: UInt32.self)
                entry.storeBytes(of: UInt32(0), toByteOffset: 4, as: UInt32.self)
                entry.storeBytes(of: (sqHead | UInt32(sqid) << 16).littleEndian, toByteOffset: 8, as: UInt32.self)
                entry.storeBytes(of: (UInt32(c.commandID) | cq.phase << 16 | statusField << 17).littleEndian,
                                 toByteOffset: 12, as: UInt32.self)
            } catch {
                status |= 0x2
                unposted[kept] = c; kept += 1
                continue
            }
            cq.tail += 1
            if cq.tail == cq.size { cq.tail = 0; cq.phase ^= 1 }
            completionQueues[cqid] = cq
            commandsCompleted += 1
        }
    }

    // Status fields (§4.6.1.2): generic (SCT 0) and command-specific (SCT 1).
    static let invalidOpcode: UInt16 = 0x01, invalidField: UInt16 = 0x02, dataTransferError: UInt16 = 0x04
    static let invalidNamespace: UInt16 = 0x0b, lbaOutOfRange: UInt16 = 0x80, invalidPRPOffset: UInt16 = 0x13
    static let invalidCompletionQueue: UInt16 = 0x100, invalidQueueID: UInt16 = 0x101, invalidQueueSize: UInt16 = 0x102
    static let queueDeletion: UInt16 = 0x10c

    func execute(admin c: Command) -> (UInt16, UInt32) {
        switch c.opcode {
        case 0x06: return (identify(c), 0)
        case 0x05, 0x01:
            let queue = Int(c.cdw10 & 0xffff), size = Int(c.cdw10 >> 16) + 1
            let creatingCQ = c.opcode == 0x05
            guard queue > 0, queue < Self.queueSlots,
                  (creatingCQ ? completionQueues[queue] == nil : submissionQueues[queue] == nil) else { return (Self.invalidQueueID, 0) }
            guard size > 1, size <= maximumQueueEntries else { return (Self.invalidQueueSize, 0) }
            guard c.prp1 & 0xfff == 0 else { return (Self.invalidPRPOffset, 0) }
            guard c.cdw11 & 1 == 1 else { return (Self.invalidField, 0) }
            if creatingCQ {
                // Interrupt vector 0 only, as QEMU without MSI-X.
                guard c.cdw11 >> 16 == 0 else { return (0x108, 0) }
                completionQueues[queue] = CompletionQueue(base: c.prp1, size: size)
            } else {
                let cq = Int(c.cdw11 >> 16)
                guard cq > 0, cq < Self.queueSlots, completionQueues[cq] != nil else { return (Self.invalidCompletionQueue, 0) }
                submissionQueues[queue] = SubmissionQueue(base: c.prp1, size: size, completionQueue: cq)
            }
            return (0, 0)
        case 0x00:
            let queue = Int(c.cdw10 & 0xffff)
            guard queue > 0, queue < Self.queueSlots, submissionQueues[queue] != nil else { return (Self.invalidQueueID, 0) }
            submissionQueues[queue] = nil
            return (0, 0)
        case 0x04:
            let queue = Int(c.cdw10 & 0xffff)
            guard queue > 0, queue < Self.queueSlots, completionQueues[queue] != nil else { return (Self.invalidQueueID, 0) }
            guard !submissionQueues.contains(where: { $0?.completionQueue == queue }) else { return (Self.queueDeletion, 0) }
            completionQueues[queue] = nil
            return (0, 0)
        default: return (Self.invalidOpcode, 0)
        }
    }

    /// Identify (§5.15): controller (CNS 1) or namespace (CNS 0) data, 4 KiB through the PRPs.
    func identify(_ c: Command) -> UInt16 {
        var page = [UInt8](repeating: 0, count: 4096)
        func put(_ value: UInt64, at offset: Int, bytes: Int) {
            for i in 0..<bytes { page[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        switch c.cdw10 & 0xff {
        case 0x01:
            put(0x1b36, at: 0, bytes: 2)
            for (i, b) in "SWIFTLEAF-MODEL-0001".utf8.enumerated() { page[4 + i] = b }
            for (i, b) in "SwiftLeaf NVMe model".utf8.enumerated() { page[24 + i] = b }
            page[77] = mdts
            put(0x0001_0400, at: 80, bytes: 4)
            page[512] = 0x66
            page[513] = 0x44
            put(1, at: 516, bytes: 4)
        case 0x00:
            guard c.namespace != 0, c.namespace != 0xffff_ffff else { return Self.invalidNamespace }
            if c.namespace == 1 {
                let count = UInt64(sectors)
                put(count, at: 0, bytes: 8)
                put(count, at: 8, bytes: 8)
                put(count, at: 16, bytes: 8)
                page[25] = 1                                  // NLBAF: two formats (0-based)
                page[26] = sectorSize == 4096 ? 1 : 0         // FLBAS: the format in use
                page[130] = 9                                 // LBAF0: 512 B, no metadata
                page[134] = 12                                // LBAF1: 4 KiB, no metadata
            }
        default: return Self.invalidField
        }
        return transfer(c, length: 4096) { address, offset, count throws(DeviceError) in
            try memory.unsafelyUnwrapped.copy(to: address, count: count, from: page, at: offset)
        }
    }

    func execute(io c: Command) -> (UInt16, UInt32) {
        switch c.opcode {
        case 0x00:
            guard c.namespace == 1 || c.namespace == 0xffff_ffff else { return (Self.invalidNamespace, 0) }
            flushes += 1
            return (0, 0)
        case 0x01, 0x02:
            guard c.namespace != 0, c.namespace <= 256 else { return (Self.invalidNamespace, 0) }
            guard c.namespace == 1 else { return (Self.invalidField, 0) }
            let lba = UInt64(c.cdw10) | UInt64(c.cdw11) << 32, count = UInt64(c.cdw12 & 0xffff) + 1
            guard lba < UInt64(sectors), count <= UInt64(sectors) - lba else { return (Self.lbaOutOfRange, 0) }
            let length = Int(count) * sectorSize
            guard mdts == 0 || length <= 4096 << Int(mdts) else { return (Self.invalidField, 0) }
            let base = Int(lba) * sectorSize
            let code: UInt16
            if c.opcode == 0x02 {
                code = transfer(c, length: length) { address, offset, count throws(DeviceError) in
                    try memory.unsafelyUnwrapped.copy(to: address, count: count, from: storage, at: base + offset)
                }
            } else {
                code = transfer(c, length: length) { address, offset, count throws(DeviceError) in
                    try memory.unsafelyUnwrapped.copy(from: address, count: count, into: &storage, at: base + offset)
                }
            }
            return (code, 0)
        default: return (Self.invalidOpcode, 0)
        }
    }

    /// Walks the command's PRPs (§4.3) for `length` bytes, calling `move` for each piece (its
    /// address, its offset in the transfer, its length): PRP1 to the end of its page; then PRP2
    /// as the next page if one is left, else as a PRP list, whose last entry of each full list
    /// page chains to the next. A misaligned PRP is Invalid PRP Offset; memory the driver did
    /// not give the device is a Data Transfer Error.
    func transfer(_ c: Command, length: Int, _ move: (UInt64, Int, Int) throws(DeviceError) -> Void) -> UInt16 {
        do throws(DeviceError) {
            let first = min(length, 4096 - Int(c.prp1 & 0xfff))
            try move(c.prp1, 0, first)
            var done = first
            if length - done <= 0 { return 0 }
            if length - done <= 4096 {
                guard c.prp2 & 0xfff == 0 else { return Self.invalidPRPOffset }
                try move(c.prp2, done, length - done)
                return 0
            }
            var entry = c.prp2
            guard entry & 0x7 == 0 else { return Self.invalidPRPOffset }
            while done < length {
                var page = try memory.unsafelyUnwrapped.load(entry, as: UInt64.self)
                // The last entry of a list page points to the next list page when more remains.
                if entry & 0xfff == 0xff8 && length - done > 4096 {
                    entry = page
                    guard entry & 0xfff == 0 else { return Self.invalidPRPOffset }
                    page = try memory.unsafelyUnwrapped.load(entry, as: UInt64.self)
                }
                guard page & 0xfff == 0 else { return Self.invalidPRPOffset }
                let count = min(4096, length - done)
                try move(page, done, count)
                done += count
                entry &+= 8
            }
            return 0
        } catch { return Self.dataTransferError }
    }

    /// A number in `range`, from the model's own generator (xorshift: replays from its seed).
    func draw(_ range: ClosedRange<UInt64>) -> UInt64 {
        guard range.lowerBound < range.upperBound else { return range.lowerBound }
        random ^= random << 13
        random ^= random >> 7
        random ^= random << 17
        return range.lowerBound + random % (range.upperBound - range.lowerBound + 1)
    }
}
