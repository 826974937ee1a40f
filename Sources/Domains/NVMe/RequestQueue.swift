import LeafInterfaces
import LeafSDK

/// The block requests on I/O queue pair 1: each outstanding request sits in the slot its
/// command ID names, until its completion (matched by that ID, in whatever order the controller
/// completes) hands it back. No copy: the controller transfers to and from the request's own
/// buffer. A struct held by one object, so the hot path reaches its fields with static
/// exclusivity only. The controller is not a field but an argument to what uses it: loaded from
/// the struct, which its mutating methods may replace whole, each reference to it (and to its
/// function and registers) would be retained for the call; borrowed from the session's
/// constant, it is not.
struct RequestQueue: ~Copyable {
    enum Slot {
        static let free: UInt8 = 0
        static let submitted: UInt8 = 1
        /// Completed by the driver itself (a reset), its status written, waiting to be handed back.
        static let finished: UInt8 = 2
        /// Past its deadline; about to be finished by a reset.
        static let expired: UInt8 = 3
    }
    typealias Batch = RRefDeque<BlockRequest, 128>

    var io: QueuePair
    var requests: RRefArray<BlockRequest, 512>
    var slots = InlineArray<512, UInt8>(repeating: Slot.free)
    var deadlines = InlineArray<512, UInt64>(repeating: 0)
    /// The free slots, a ring used oldest-freed first: a command ID is reused as late as
    /// possible, so a duplicate completion from a faulty controller is unlikely to name a new
    /// request (it is refused when it names a free slot).
    var freeSlots = InlineArray<512, UInt16>(repeating: 0)
    var freeHead = 0
    var freeCount = 0
    var finishedCount = 0
    /// No outstanding command's deadline is earlier (a poll before it needs no scan).
    var nextDeadline = UInt64.max
    let sectorsPerBlock: UInt64
    let blocks: UInt64
    let sectorSize: Int
    /// Why the device is unusable, once it is: every request then comes back `deviceFailed`.
    var failure: String? = nil
    var statistics = BlockStatistics(submitted: 0, completed: 0, errors: 0, resets: 0)

    init(controller: Controller) throws(DriverError) {
        var io = try controller.makeIOQueues()
        let table: RRefArray<BlockRequest, 512>
        do { table = try RRefArray() } catch { throw .outOfMemory }
        let namespace = try controller.bringUp(io: &io)
        guard namespace.sectors / UInt64(4096 / namespace.sectorSize) > 0 else { throw .unsupported("a namespace smaller than one 4 KiB block") }
        self.io = io
        self.requests = table
        sectorSize = namespace.sectorSize
        sectorsPerBlock = UInt64(4096 / namespace.sectorSize)
        blocks = namespace.sectors / sectorsPerBlock
        // Fewer outstanding than entries, so the SQ tail never meets its head (§4.1.2).
        for slot in 0..<self.io.entries - 1 { freeSlots[slot] = UInt16(slot) }
        freeCount = self.io.entries - 1
    }

    var queueDepth: Int { io.entries - 1 }
    var outstanding: Int { queueDepth - freeCount - finishedCount }

    // MARK: Submission

    /// Submits every request of `batch`, or hands it back refused; then collects.
    mutating func submitAndCollect(_ batch: inout Batch, on controller: Controller) throws(AccessError) {
        let function = controller.function
        let now = function.microseconds
        let deadline = now &+ controller.timeout
        var queued = false
        var refusedAccess: AccessError? = nil
        do { try submit(&batch, through: function, deadline: deadline, queued: &queued) } catch { refusedAccess = error }
        // What was queued goes out, also when an access was refused midway.
        if queued {
            if deadline < nextDeadline { nextDeadline = deadline }
            try ringOrFail(controller)
        }
        if let refusedAccess { throw refusedAccess }
        try collect(into: &batch, now: now, from: controller)
    }

    /// Queues a command for every request of `batch` it accepts (`queued` once it has), and
    /// hands back the others refused. A request moves from the batch's front straight into its
    /// slot (one step, no owner change) and is read there; a refused one goes back to the
    /// batch's end.
    @inline(__always)
    mutating func submit(_ batch: inout Batch, through function: PCIFunction, deadline: UInt64,
                         queued: inout Bool) throws(AccessError) {
        for _ in 0..<(try batch.count()) {
            guard failure == nil && freeCount > 0 else {
                // Refused whole (the device failed, or every slot is taken), in the cold path.
                guard var request = try batch.pop() else { break }
                let status = refusal(try request.read(BlockRequest.operationField), block: try request.read(BlockRequest.blockField))
                try request.write(status ?? .notAccepted, to: BlockRequest.statusField)
                refused()
                // Room is certain: the request was just taken from this deque.
                _ = batch.push(request)
                continue
            }
            // The slot is taken once its command is built (building it may refuse the buffer).
            let slot = Int(freeSlots[freeHead])
            let moved: (address: UInt64, value: BlockTarget)?
            do {
                moved = try function.deviceAddress(movingFrontOf: &batch, into: &requests, at: slot,
                                                   reading: BlockRequest.targetField)
            } catch { throw refusal(of: error, slot: slot) }
            guard let (address, target) = moved else { break }
            let operation = target.operation, block = target.block
            if let status = refusal(operation, block: block) {
                refused()
                try batch.push(takingFrom: &requests, at: slot, writing: status, to: BlockRequest.statusField)
                continue
            }
            do { try issue(slot, operation, block: block, address: address, deadline: deadline) } catch {
                refused()
                try batch.push(takingFrom: &requests, at: slot, writing: .notAccepted, to: BlockRequest.statusField)
                throw error
            }
            freeHead = freeHead &+ 1 == queueDepth ? 0 : freeHead &+ 1
            freeCount &-= 1
            statistics.submitted &+= 1
            queued = true
        }
    }

    /// Why a request for `operation` on `block` is refused before it reaches the controller, if
    /// it is.
    @inline(__always)
    func refusal(_ operation: BlockOperation, block: UInt64) -> BlockStatus? {
        if failure != nil { return .deviceFailed }
        if operation.raw > BlockOperation.flush.raw { return .invalidOperation }
        // Refused here: the controller never sees an LBA past the namespace (§6.9 would fail it
        // with LBA Out of Range).
        if operation != .flush && block >= blocks { return .outOfRange }
        if freeCount == 0 { return .notAccepted }
        return nil
    }

    @inline(__always)
    mutating func refused() {
        statistics.completed &+= 1
        statistics.errors &+= 1
    }

    /// The command for the request in `slot` (its command ID), whose buffer is at `address`:
    /// the first 4 KiB of the request's payload, which starts a page, so PRP1 alone describes
    /// it (§4.3); a buffer that crossed a page would take PRP2 as the second page's address.
    @inline(__always)
    func command(_ operation: BlockOperation, block: UInt64, address: UInt64, slot: Int) -> SubmissionEntry {
        let id = UInt16(truncatingIfNeeded: slot)
        if operation == .flush { return SubmissionEntry(opcode: IOOpcode.flush, commandID: id, namespace: 1) }
        let second = address & 0xfff == 0 ? 0 : (address & ~0xfff) &+ 0x1000
        // CDW10-11: the starting LBA; CDW12 bits 15:0: the number of LBAs, 0-based (§6.9, §6.15).
        let lba = block &* sectorsPerBlock
        return SubmissionEntry(opcode: operation == .read ? IOOpcode.read : IOOpcode.write, commandID: id, namespace: 1,
                               prp1: address, prp2: second, cdw10: UInt32(truncatingIfNeeded: lba),
                               cdw11: UInt32(truncatingIfNeeded: lba >> 32), cdw12: UInt32(truncatingIfNeeded: sectorsPerBlock &- 1))
    }

    /// Why the buffer of the request for `slot` could not be given to the device.
    func refusal(of error: DeviceError, slot: Int) -> AccessError {
        if case .notDeviceMemory(let why) = error { return why }
        return .badSlot(requests.id, slot)
    }

    /// Puts the command for the request in `slot` on the SQ, with the slot as its command ID;
    /// the request stays there until its completion or `deadline`.
    @inline(__always)
    mutating func issue(_ slot: Int, _ operation: BlockOperation, block: UInt64, address: UInt64,
                        deadline: UInt64) throws(AccessError) {
        try io.push(command(operation, block: block, address: address, slot: slot))
        slots[slot] = Slot.submitted
        deadlines[slot] = deadline
    }

    mutating func ringOrFail(_ controller: Controller) throws(AccessError) {
        do { try io.ring(controller.registers) } catch { try recover(after: .doorbell(error), controller) }
    }

    // MARK: Completion

    /// Hands back, into `batch` up to its capacity, what the driver finished itself, then what
    /// the controller completed. With nothing completed it checks the controller (CSTS.CFS) and
    /// the deadlines, and resets the controller if it failed or a command is late.
    mutating func collect(into batch: inout Batch, now: UInt64, from controller: Controller) throws(AccessError) {
        var room = batch.capacity &- (try batch.count())
        if finishedCount > 0 { try handBackFinished(into: &batch, room: &room) }
        var reaped = false
        while room > 0, let word = try io.peek() {
            let slot = Int(word.commandID)
            guard slot < queueDepth, slots[slot] == Slot.submitted else {
                // A completion for no command of ours: nothing it says can be trusted.
                return try recover(after: .strayCompletion(slot), controller, handingBackInto: &batch, room: &room)
            }
            io.consume()
            reaped = true
            try batch.push(takingFrom: &requests, at: slot, writing: word.status == 0 ? .success : .controllerError(word.status),
                           to: BlockRequest.statusField)
            if word.status != 0 { statistics.errors &+= 1 }
            release(slot)
            statistics.completed &+= 1
            room &-= 1
        }
        if reaped {
            do { try io.release(controller.registers) } catch {
                return try recover(after: .doorbell(error), controller, handingBackInto: &batch, room: &room)
            }
        }
        guard outstanding > 0, failure == nil else { return }
        // The controller's status only when nothing came back (an MMIO read is a VM exit);
        // deadlines always: a stuck command is late even while others complete around it.
        if !reaped {
            do { try controller.checkAlive() } catch {
                return try recover(after: .controller(error), controller, handingBackInto: &batch, room: &room)
            }
        }
        guard now >= nextDeadline else { return }
        var next = UInt64.max, late = false
        for slot in 0..<queueDepth where slots[slot] == Slot.submitted {
            if deadlines[slot] <= now { slots[slot] = Slot.expired; late = true } else { next = min(next, deadlines[slot]) }
        }
        nextDeadline = next
        if late { try recover(after: .timeout, controller, handingBackInto: &batch, room: &room) }
    }

    /// Recovers, then hands back what recovery finished, as room allows.
    mutating func recover(after trouble: Trouble, _ controller: Controller, handingBackInto batch: inout Batch,
                          room: inout Int) throws(AccessError) {
        try recover(after: trouble, controller)
        try handBackFinished(into: &batch, room: &room)
    }

    @inline(__always)
    mutating func release(_ slot: Int) {
        slots[slot] = Slot.free
        let tail = freeHead &+ freeCount
        freeSlots[tail >= queueDepth ? tail &- queueDepth : tail] = UInt16(truncatingIfNeeded: slot)
        freeCount &+= 1
    }

    mutating func handBackFinished(into batch: inout Batch, room: inout Int) throws(AccessError) {
        for slot in 0..<queueDepth where room > 0 && slots[slot] == Slot.finished {
            try batch.push(takingFrom: &requests, at: slot)
            release(slot)
            finishedCount &-= 1
            room &-= 1
        }
    }

    /// Writes `status` into the request in `slot` and marks it for handing back.
    mutating func finish(_ slot: Int, _ status: BlockStatus) throws(AccessError) {
        try requests.write(status, to: BlockRequest.statusField, at: slot)
        slots[slot] = Slot.finished
        finishedCount &+= 1
        statistics.completed &+= 1
        if status != .success { statistics.errors &+= 1 }
    }

    // MARK: Recovery

    /// What made the driver reset the controller. (The reason is put into words only on this
    /// path, so the hot path builds no strings.)
    enum Trouble {
        case timeout
        case controller(DriverError)
        case doorbell(DeviceError)
        case strayCompletion(Int)

        var description: String {
            switch self {
            case .timeout: "a command timed out"
            case .controller(let error): "\(error)"
            case .doorbell(let error): "a doorbell write failed: \(error)"
            case .strayCompletion(let slot): "a completion for command \(slot), which is not outstanding"
            }
        }
    }

    /// Resets the controller (§7.6.2: CC.EN = 0 stops every transfer and drops the queues) and
    /// brings it up again. After anything but a timeout every outstanding request
    /// finishes `deviceFailed`; after a timeout the late ones finish `timedOut` and the others
    /// are submitted again, to the same slots. If the controller cannot be reset, bus mastering
    /// is turned off, so that no transfer reaches a buffer handed back, and the device is failed.
    @inline(never)
    mutating func recover(after trouble: Trouble, _ controller: Controller) throws(AccessError) {
        statistics.resets &+= 1
        var fatal = true
        if case .timeout = trouble { fatal = false }
        // Stopped first (no transfer after this); then what it completed before it stopped is
        // kept: those requests are done and must not run again (unless the CQ cannot be trusted).
        var stopped = true
        do { try controller.disable() } catch { stopped = false }
        if case .strayCompletion = trouble {} else if stopped { try keepPostedCompletions() }
        for slot in 0..<queueDepth where slots[slot] == Slot.expired || (fatal && slots[slot] == Slot.submitted) {
            try finish(slot, slots[slot] == Slot.expired ? .timedOut : .deviceFailed)
        }
        nextDeadline = .max
        do throws(DriverError) {
            guard stopped else { throw .timedOut("CSTS.RDY = 0") }
            _ = try controller.bringUp(io: &io)
        } catch {
            failDevice("\(trouble.description); the controller could not be brought up again: \(error)", controller)
            for slot in 0..<queueDepth where slots[slot] == Slot.submitted { try finish(slot, .deviceFailed) }
            return
        }
        // The commands the reset dropped that nothing was wrong with: again, in the same slots.
        let deadline = controller.function.microseconds &+ controller.timeout
        var again = false
        for slot in 0..<queueDepth where slots[slot] == Slot.submitted {
            let operation = try requests.read(BlockRequest.operationField, at: slot)
            let block = try requests.read(BlockRequest.blockField, at: slot)
            let address: UInt64
            do { address = try controller.function.deviceAddress(ofSlot: slot, in: requests) } catch {
                try finish(slot, .deviceFailed)
                continue
            }
            try issue(slot, operation, block: block, address: address, deadline: deadline)
            again = true
        }
        if again {
            nextDeadline = deadline
            do { try io.ring(controller.registers) } catch {
                failDevice("the doorbell write failed after a reset: \(error)", controller)
                for slot in 0..<queueDepth where slots[slot] == Slot.submitted { try finish(slot, .deviceFailed) }
            }
        }
    }

    /// The device is given up: it is stopped (CC.EN = 0, then bus mastering off, so that no
    /// transfer reaches a buffer about to be handed back) and every later request fails.
    mutating func failDevice(_ why: String, _ controller: Controller) {
        try? controller.disable()
        controller.function.disable(.busMastering)
        failure = why
    }

    /// The completions the controller posted before it was stopped, finished with their status.
    mutating func keepPostedCompletions() throws(AccessError) {
        while let word = try io.peek() {
            let slot = Int(word.commandID)
            io.consume()
            guard slot < queueDepth, slots[slot] == Slot.submitted || slots[slot] == Slot.expired else { continue }
            try finish(slot, word.status == 0 ? .success : .controllerError(word.status))
        }
    }
}
