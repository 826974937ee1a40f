import LeafSDK

/// Why the controller could not be brought up or stopped answering.
enum DriverError: Error, CustomStringConvertible {
    case outOfMemory
    case memory(AccessError)
    case device(DeviceError)
    /// A wait longer than the controller's own bound (CAP.TO) for a command or a state change.
    case timedOut(String)
    /// CSTS.CFS: the controller hit a fatal error (§10.5).
    case fatal
    case unsupported(String)
    case commandFailed(opcode: UInt8, status: UInt16)

    var description: String {
        switch self {
        case .outOfMemory: "no memory for the queues"
        case .memory(let e): "queue memory refused: \(e)"
        case .device(let e): "\(e)"
        case .timedOut(let what): "timed out waiting for \(what)"
        case .fatal: "controller fatal status (CSTS.CFS)"
        case .unsupported(let what): "unsupported: \(what)"
        case .commandFailed(let opcode, let status): "admin command 0x\(String(opcode, radix: 16)) failed with status 0x\(String(status, radix: 16))"
        }
    }
}

/// What Identify told the driver (§5.15.2, figures 247 and 249).
struct Namespace {
    /// Logical blocks (sectors) in namespace 1 (NSZE) and their size (LBAF[FLBAS].LBADS).
    let sectors: UInt64
    let sectorSize: Int
    /// The largest transfer the controller takes, in bytes (MDTS; nil for no limit).
    let maximumTransfer: Int?
}

/// The controller's bring-up and its admin queue (NVMe 1.4 §7.6.1, "Initialization"), from
/// whatever state firmware left it in: SeaBIOS leaves QEMU's controller enabled, with queues
/// of its own (DEVICE-FACTS §0).
final class Controller {
    let function: PCIFunction
    let registers: MMIOWindow
    let capabilities: Capabilities
    var admin: QueuePair
    /// The bound on every wait, from CAP.TO (§3.1.1): state changes and commands alike.
    /// At most 30 s, whatever CAP.TO says (127.5 s at most): each wait runs inside a client's call.
    var timeout: UInt64 { min(capabilities.timeoutMicroseconds, 30_000_000) }

    init(function: PCIFunction) throws(DriverError) {
        self.function = function
        // The registers (PCI 3.0 §6.2.2: memory decoding); completions are polled, so INTx is
        // masked at the function. Bus mastering waits until the controller is reset: firmware's
        // queues may be in memory that is no longer theirs.
        function.enable([.memorySpace, .interruptsDisabled])
        do {
            registers = try function.mmio(bar: 0)
            capabilities = Capabilities(raw: try registers.read64(Register.capabilities))
        } catch { throw .device(error) }
        guard capabilities.supportsNVMCommandSet else { throw .unsupported("the NVM command set (CAP.CSS bit 0)") }
        guard capabilities.pageSizeRange.contains(0) else { throw .unsupported("4 KiB memory pages (CAP.MPSMIN..MPSMAX)") }
        let entries = min(ringEntries, capabilities.maximumQueueEntries)
        guard entries >= 2 else { throw .unsupported("queues of \(entries) entries (CAP.MQES)") }
        admin = try QueuePair(id: 0, entries: entries, doorbellStride: capabilities.doorbellStride, function: function)
    }

    /// The I/O queue pair the driver keeps (it is brought up by `bringUp`).
    func makeIOQueues() throws(DriverError) -> QueuePair {
        try QueuePair(id: 1, entries: admin.entries, doorbellStride: capabilities.doorbellStride, function: function)
    }

    /// Resets the controller and brings it up with an admin queue pair and one I/O queue pair
    /// (§7.6.1 steps 1-8), `io` as that pair; returns what Identify says of namespace 1.
    func bringUp(io: inout QueuePair) throws(DriverError) -> Namespace {
        do { return try enable(io: &io) } catch {
            // Stopped again before the caller frees anything the controller was given.
            try? disable()
            function.disable(.busMastering)
            throw error
        }
    }

    func enable(io: inout QueuePair) throws(DriverError) -> Namespace {
        try disable()
        // Now the controller reads and writes only the memory given below (§7.6.1 needs DMA).
        function.enable(.busMastering)
        try admin.clear()
        try io.clear()
        do {
            // §3.1.8-10: the admin queues' sizes (0-based) and addresses.
            let last = UInt32(admin.entries - 1)
            try registers.write32(Register.adminQueueAttributes, last | last << 16)
            try registers.write64(Register.adminSubmissionQueue, admin.submissionAddress)
            try registers.write64(Register.adminCompletionQueue, admin.completionAddress)
            // §7.6.1 step 5: enable, with the I/O entry sizes in the same write.
            try registers.write32(Register.configuration, Configuration.enabled)
        } catch { throw .device(error) }
        try waitForReady(true)
        let namespace = try identify()
        // §7.6.1 step 8: the I/O completion queue first, then its submission queue.
        let size = UInt32(io.entries - 1) << 16 | UInt32(io.id)
        // CDW11: physically contiguous (bit 0), interrupts off (bit 1 clear) (§5.3).
        try command(opcode: AdminOpcode.createIOCompletionQueue, prp1: io.completionAddress, cdw10: size, cdw11: 1)
        // CDW11: physically contiguous, the CQ it posts to in bits 31:16 (§5.4).
        try command(opcode: AdminOpcode.createIOSubmissionQueue, prp1: io.submissionAddress, cdw10: size,
                    cdw11: UInt32(io.id) << 16 | 1)
        return namespace
    }

    /// CC.EN = 0 and wait for CSTS.RDY = 0 (§7.6.2): the controller drops its queues and stops
    /// every transfer; the driver may then reuse the memory it gave it.
    func disable() throws(DriverError) {
        do {
            let cc = try registers.read32(Register.configuration)
            if cc & Configuration.enable != 0 { try registers.write32(Register.configuration, cc & ~Configuration.enable) }
        } catch { throw .device(error) }
        try waitForReady(false)
    }

    /// Waits, at most CAP.TO, for CSTS.RDY to read `ready`. A fatal status while enabling is
    /// an error; while disabling it is what is being cleared.
    func waitForReady(_ ready: Bool) throws(DriverError) {
        let deadline = function.microseconds &+ timeout
        while true {
            let status: UInt32
            do { status = try registers.read32(Register.status) } catch { throw .device(error) }
            // All ones: the function no longer answers; never "ready".
            if status == .max { throw .fatal }
            if (status & ControllerStatus.ready != 0) == ready { return }
            if ready && status & ControllerStatus.fatal != 0 { throw .fatal }
            if function.microseconds > deadline { throw .timedOut(ready ? "CSTS.RDY = 1" : "CSTS.RDY = 0") }
        }
    }

    /// Issues one admin command and waits for its completion (at most CAP.TO); returns dword 0.
    @discardableResult
    func command(opcode: UInt8, namespace: UInt32 = 0, prp1: UInt64, cdw10: UInt32, cdw11: UInt32 = 0) throws(DriverError) -> UInt32 {
        let commandID = UInt16(truncatingIfNeeded: admin.tail)
        do {
            try admin.push(SubmissionEntry(opcode: opcode, commandID: commandID, namespace: namespace, prp1: prp1, cdw10: cdw10, cdw11: cdw11))
        } catch { throw .memory(error) }
        do { try admin.ring(registers) } catch { throw .device(error) }
        let deadline = function.microseconds &+ timeout
        while true {
            let posted: CompletionWord?
            do { posted = try admin.peek() } catch { throw .memory(error) }
            if let word = posted {
                let result: UInt32
                do { result = try admin.completions.read(at: admin.head * 4) } catch { throw .memory(error) }
                admin.consume()
                do { try admin.release(registers) } catch { throw .device(error) }
                guard word.commandID == commandID else { throw .unsupported("a completion for command \(word.commandID), expected \(commandID)") }
                guard word.status == 0 else { throw .commandFailed(opcode: opcode, status: word.status) }
                return result
            }
            try checkAlive()
            if function.microseconds > deadline { throw .timedOut("admin command 0x\(String(opcode, radix: 16))") }
        }
    }

    /// Throws if CSTS says the controller failed (or it stopped answering).
    func checkAlive() throws(DriverError) {
        let status: UInt32
        do { status = try registers.read32(Register.status) } catch { throw .device(error) }
        // All ones: the function no longer answers (surprise removal, decoding off).
        if status & ControllerStatus.fatal != 0 || status == .max { throw .fatal }
    }

    /// Identify Controller and Identify Namespace 1 (§5.15.2): MDTS, the entry sizes, NSZE and
    /// the LBA format in use.
    func identify() throws(DriverError) -> Namespace {
        var page: RRef<InlineArray<4096, UInt8>>
        do { page = try RRef(repeating: 0) } catch { throw .outOfMemory }
        let address: UInt64
        do { address = try function.deviceAddress(of: page) } catch { throw .device(error) }
        try command(opcode: AdminOpcode.identify, prp1: address, cdw10: IdentifyTarget.controller)
        // Figure 247: SQES at byte 512 and CQES at 513 (required and maximum sizes as powers
        // of two, 3:0 and 7:4); MDTS at 77 (a power of two of the minimum page, 0 = no limit).
        let sqes = try byte(page, 512), cqes = try byte(page, 513), mdts = try byte(page, 77)
        guard sqes & 0xf <= 6, sqes >> 4 >= 6, cqes & 0xf <= 4, cqes >> 4 >= 4 else {
            throw .unsupported("64-byte submission and 16-byte completion entries (SQES 0x\(String(sqes, radix: 16)), CQES 0x\(String(cqes, radix: 16)))")
        }
        try command(opcode: AdminOpcode.identify, namespace: 1, prp1: address, cdw10: IdentifyTarget.namespace)
        // Figure 249: NSZE at byte 0 (u64); FLBAS at 26 (format index 3:0, metadata inline bit 4);
        // LBAF[i] at 128 + 4i: MS 15:0, LBADS 23:16.
        var sectors: UInt64 = 0
        for i in 0..<8 { sectors |= UInt64(try byte(page, i)) << (8 * UInt64(i)) }
        let format = Int(try byte(page, 26) & 0xf)
        let metadata = UInt16(try byte(page, 128 + 4 * format)) | UInt16(try byte(page, 129 + 4 * format)) << 8
        let lbads = Int(try byte(page, 130 + 4 * format))
        guard sectors > 0 else { throw .unsupported("namespace 1 is absent (NSZE 0)") }
        guard (9...12).contains(lbads) else { throw .unsupported("sectors of 2^\(lbads) bytes (LBADS)") }
        guard metadata == 0 else { throw .unsupported("an LBA format with \(metadata) bytes of metadata") }
        return Namespace(sectors: sectors, sectorSize: 1 << lbads, maximumTransfer: mdts == 0 ? nil : 4096 << Int(mdts))
    }

    func byte(_ page: borrowing RRef<InlineArray<4096, UInt8>>, _ offset: Int) throws(DriverError) -> UInt8 {
        do { return try page.read(at: offset) } catch { throw .memory(error) }
    }
}
