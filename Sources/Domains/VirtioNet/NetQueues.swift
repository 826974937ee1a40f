import LeafInterfaces
import LeafSDK

/// The device brought up, and its two virtqueues (receive 0, transmit 1: §5.1.2). A struct
/// held by one object, so a call makes one dynamic access to it.
struct NetQueues: ~Copyable {
    let function: PCIFunction
    let common: Structure
    let notify: Structure
    let notifyMultiplier: Int
    let deviceConfig: Structure
    let negotiated: UInt64
    let mac: MACAddress
    var rx: Virtqueue
    var tx: Virtqueue
    var counters = NetStatistics()
    /// Why the device is unusable, once it is: every frame then comes back `deviceFailed`.
    var failure: String? = nil

    /// §3.1.1, the driver's initialization sequence, in its order.
    init(function: PCIFunction) throws(DriverError) {
        // The registers (PCI 3.0 §6.2.2); polled, so INTx is masked. DMA only after the reset:
        // what firmware (or a driver before a restart) gave the device is no longer its.
        function.enable([.memorySpace, .interruptsDisabled])
        let (common, notify, multiplier, device) = try Self.structures(of: function)
        // 1. Reset, and wait for the device to read back 0 (§4.1.4.3.1).
        try Self.write8(common, Common.deviceStatus, 0)
        let deadline = function.microseconds &+ 1_000_000
        while try Self.read8(common, Common.deviceStatus) != 0 {
            if function.microseconds > deadline { throw .timedOut("the device to reset (device_status = 0)") }
        }
        function.enable(.busMastering)
        // 2-3. ACKNOWLEDGE, then DRIVER.
        try Self.write8(common, Common.deviceStatus, Status.acknowledge)
        try Self.write8(common, Common.deviceStatus, Status.acknowledge | Status.driver)
        // 4. The features: VERSION_1 and MAC are needed; STATUS is taken if offered.
        try Self.write32(common, Common.deviceFeatureSelect, 0)
        let low = UInt64(try Self.read32(common, Common.deviceFeature))
        try Self.write32(common, Common.deviceFeatureSelect, 1)
        let offered = low | UInt64(try Self.read32(common, Common.deviceFeature)) << 32
        guard offered & Feature.version1 != 0 else { throw .unsupported("a device without VERSION_1 (a legacy-only device)") }
        guard offered & Feature.mac != 0 else { throw .unsupported("a device without a MAC address (feature MAC)") }
        let wanted = offered & (Feature.version1 | Feature.mac | Feature.status)
        try Self.write32(common, Common.driverFeatureSelect, 0)
        try Self.write32(common, Common.driverFeature, UInt32(truncatingIfNeeded: wanted))
        try Self.write32(common, Common.driverFeatureSelect, 1)
        try Self.write32(common, Common.driverFeature, UInt32(truncatingIfNeeded: wanted >> 32))
        // 5-6. FEATURES_OK, and read back that the device kept it.
        try Self.write8(common, Common.deviceStatus, Status.acknowledge | Status.driver | Status.featuresOK)
        guard try Self.read8(common, Common.deviceStatus) & Status.featuresOK != 0 else {
            throw .unsupported("the features offered (the device did not keep FEATURES_OK)")
        }
        // 7. The virtqueues (§4.1.5.1.3): size, the three areas, the notify offset, enable.
        let rx = try Self.setUp(queue: receiveQueue, common, function)
        let tx = try Self.setUp(queue: transmitQueue, common, function)
        // The MAC (§5.1.4), then 8. DRIVER_OK: the device is live.
        // Read until config_generation holds still across it (§2.5.1: six bytes, not atomic).
        var mac: UInt64 = 0
        var generation: UInt8
        repeat {
            generation = try Self.read8(common, Common.configGeneration)
            mac = 0
            for i in 0..<6 { mac |= UInt64(try Self.read8(device, NetConfig.mac + i)) << (8 * UInt64(i)) }
        } while try Self.read8(common, Common.configGeneration) != generation
        try Self.write8(common, Common.deviceStatus, Status.acknowledge | Status.driver | Status.featuresOK | Status.driverOK)
        guard try Self.read8(common, Common.deviceStatus) & Status.needsReset == 0 else {
            // Live, and failed at once: stopped before its rings go with this error.
            try? Self.write8(common, Common.deviceStatus, 0)
            function.disable(.busMastering)
            throw .protocolError("DEVICE_NEEDS_RESET after DRIVER_OK")
        }
        self.function = function
        self.common = common
        self.notify = notify
        notifyMultiplier = multiplier
        deviceConfig = device
        negotiated = wanted
        self.mac = MACAddress(raw: mac)
        self.rx = rx
        self.tx = tx
    }

    /// The common, notify and device structures from the vendor capabilities (§4.1.4): the
    /// first of each type, as the specification prefers.
    static func structures(of function: PCIFunction) throws(DriverError) -> (Structure, Structure, Int, Structure) {
        var common: Structure? = nil, notify: Structure? = nil, device: Structure? = nil
        var multiplier = 0
        for capability in function.capabilities where capability.id == 0x09 {
            do {
                let type = try function.readConfig8(capability.offset + 3)
                guard (type == StructureType.common && common == nil) || (type == StructureType.notify && notify == nil)
                        || (type == StructureType.device && device == nil) else { continue }
                let structure = Structure(window: try function.mmio(bar: Int(try function.readConfig8(capability.offset + 4))),
                                          offset: Int(try function.readConfig32(capability.offset + 8)),
                                          length: Int(try function.readConfig32(capability.offset + 12)))
                switch type {
                case StructureType.common: common = structure
                case StructureType.notify:
                    notify = structure
                    multiplier = Int(try function.readConfig32(capability.offset + 16))
                default: device = structure
                }
            } catch { throw .device(error) }
        }
        guard let common, let notify, let device else {
            throw .unsupported("a device without the modern interface's common, notify and device structures (§4.1.4)")
        }
        return (common, notify, multiplier, device)
    }

    static func setUp(queue index: Int, _ common: Structure, _ function: PCIFunction) throws(DriverError) -> Virtqueue {
        try write16(common, Common.queueSelect, UInt16(index))
        let offered = Int(try read16(common, Common.queueSize))
        guard offered >= 2 else { throw .unsupported("virtqueue \(index) is absent (queue_size \(offered))") }
        let size = min(offered, largestQueue)
        // A split virtqueue's size is a power of two (§2.7).
        guard size & (size - 1) == 0 else { throw .unsupported("virtqueue \(index) of \(size) entries, not a power of two") }
        try write16(common, Common.queueSize, UInt16(size))
        var queue = try Virtqueue(index: index, size: size, function: function)
        try write64(common, Common.queueDescriptors, queue.descriptorsAddress)
        try write64(common, Common.queueDriver, queue.driverAreaAddress)
        try write64(common, Common.queueDevice, queue.deviceAreaAddress)
        queue.notifyOffset = Int(try read16(common, Common.queueNotifyOffset))
        // Written as 1 and nothing else (QEMU: any other value is a device error).
        try write16(common, Common.queueEnable, 1)
        return queue
    }

    // MARK: Registers (the structure's window, bounds-checked by the device layer)

    static func read8(_ s: Structure, _ offset: Int) throws(DriverError) -> UInt8 {
        do { return try s.window.read8(s.offset + offset) } catch { throw .device(error) }
    }
    static func read16(_ s: Structure, _ offset: Int) throws(DriverError) -> UInt16 {
        do { return try s.window.read16(s.offset + offset) } catch { throw .device(error) }
    }
    static func read32(_ s: Structure, _ offset: Int) throws(DriverError) -> UInt32 {
        do { return try s.window.read32(s.offset + offset) } catch { throw .device(error) }
    }
    static func write8(_ s: Structure, _ offset: Int, _ value: UInt8) throws(DriverError) {
        do { try s.window.write8(s.offset + offset, value) } catch { throw .device(error) }
    }
    static func write16(_ s: Structure, _ offset: Int, _ value: UInt16) throws(DriverError) {
        do { try s.window.write16(s.offset + offset, value) } catch { throw .device(error) }
    }
    static func write32(_ s: Structure, _ offset: Int, _ value: UInt32) throws(DriverError) {
        do { try s.window.write32(s.offset + offset, value) } catch { throw .device(error) }
    }
    /// A 64-bit field as two 32-bit halves, low first (QEMU takes accesses of at most 4 bytes).
    static func write64(_ s: Structure, _ offset: Int, _ value: UInt64) throws(DriverError) {
        try write32(s, offset, UInt32(truncatingIfNeeded: value))
        try write32(s, offset + 4, UInt32(truncatingIfNeeded: value >> 32))
    }

    func linkIsUp() -> Bool {
        guard failure == nil else { return false }
        guard negotiated & Feature.status != 0 else { return true }
        return ((try? Self.read16(deviceConfig, NetConfig.status)) ?? 0) & NetConfig.linkUp != 0
    }

    // MARK: Frames

    /// Tells the device queue `queue` has new chains (§4.1.5.2): the write's address names the
    /// queue.
    func kick(_ queue: borrowing Virtqueue) throws(DriverError) {
        Fence.beforeDoorbell()
        do { try notify.window.write16(notify.offset + queue.notifyOffset * notifyMultiplier, UInt16(queue.index)) }
        catch { throw .device(error) }
    }

    /// Posts each frame of `frames` for sending, then hands back, as room allows, what the
    /// device has sent since. With every chain in flight, a chain the device has used is
    /// reaped first (into the place the frame just left), so a full ring never stalls.
    mutating func transmit(_ frames: inout RRefDeque<NetFrame, 32>) {
        var posted = false
        for _ in 0..<((try? frames.count()) ?? 0) {
            guard let frame = (try? frames.pop()) ?? nil else { break }
            let length = Int((try? frame.read(NetFrame.lengthField)) ?? 0)
            if failure != nil { refuse(frame, .deviceFailed, into: &frames); continue }
            guard length > 0, length <= NetFrame.maximumLength else { refuse(frame, .badLength, into: &frames); continue }
            // Its buffer first: once a used chain is reaped into the place this frame left, the
            // frame must go on the queue.
            guard let address = try? function.deviceAddress(of: frame) else { refuse(frame, .notAccepted, into: &frames); continue }
            if tx.freeCount == 0 { reapSent(into: &frames, atMost: 1) }
            guard let back = tx.post(frame, at: address, length: length, forDevice: false) else { posted = true; continue }
            refuse(back, .notAccepted, into: &frames)
        }
        if posted { publishAndKick(transmitQueue) }
        reapSent(into: &frames, atMost: Int.max)
        if failure != nil { handBackInFlight(into: &frames) }
    }

    /// Hands back frames the device has sent, counted now (not when posted: a frame posted
    /// may yet come back `deviceFailed`).
    mutating func reapSent(into frames: inout RRefDeque<NetFrame, 32>, atMost limit: Int) {
        var n = 0
        do throws(DriverError) {
            while n < limit, frames.hasRoom, var frame = try tx.reap() {
                try? frame.write(.sent, to: NetFrame.statusField)
                counters.transmittedPackets &+= 1
                counters.transmittedBytes &+= UInt64((try? frame.read(NetFrame.lengthField)) ?? 0)
                _ = frames.push(frame)
                n += 1
            }
        } catch { fail("\(error)") }
    }

    /// Posts each buffer of `buffers` to receive into (and tells the device), then hands back,
    /// as room allows, the frames received; a full ring is reaped first, as for transmit.
    mutating func receive(_ buffers: inout RRefDeque<NetFrame, 32>) {
        var posted = false
        for _ in 0..<((try? buffers.count()) ?? 0) {
            guard let buffer = (try? buffers.pop()) ?? nil else { break }
            if failure != nil { refuse(buffer, .deviceFailed, into: &buffers); continue }
            guard let address = try? function.deviceAddress(of: buffer) else { refuse(buffer, .notAccepted, into: &buffers); continue }
            if rx.freeCount == 0 { reapReceived(into: &buffers, atMost: 1) }
            guard let back = rx.post(buffer, at: address, length: 2048, forDevice: true) else { posted = true; continue }
            refuse(back, .notAccepted, into: &buffers)
        }
        // Kicked after every refill: a frame QEMU parked while the ring was empty is delivered
        // only then (DEVICE-FACTS §2).
        if posted { publishAndKick(receiveQueue) }
        reapReceived(into: &buffers, atMost: Int.max)
        if failure != nil { handBackInFlight(into: &buffers) }
    }

    /// Hands back frames received: §5.1.6.4, the header, then the frame. One longer than a
    /// frame can be comes back `receiveError`; a length shorter than the header is the device's
    /// error.
    mutating func reapReceived(into buffers: inout RRefDeque<NetFrame, 32>, atMost limit: Int) {
        var n = 0
        do throws(DriverError) {
            while n < limit, buffers.hasRoom, var frame = try rx.reap() {
                n += 1
                let written = rx.written
                guard written > netHeaderSize else {
                    refuse(frame, .deviceFailed, into: &buffers)
                    throw .protocolError("a used receive buffer of \(written) bytes, shorter than its header")
                }
                let length = written - netHeaderSize
                guard length <= NetFrame.maximumLength else { refuse(frame, .receiveError, into: &buffers); continue }
                try? frame.write(UInt16(length), to: NetFrame.lengthField)
                try? frame.write(.received, to: NetFrame.statusField)
                counters.receivedPackets &+= 1
                counters.receivedBytes &+= UInt64(length)
                _ = buffers.push(frame)
            }
            // Nothing came back while chains are out: a device that stopped (NEEDS_RESET) is
            // failed rather than waited for.
            if n == 0, rx.inFlight + tx.inFlight > 0,
               try Self.read8(common, Common.deviceStatus) & (Status.needsReset | Status.failed) != 0 {
                throw .protocolError("the device set DEVICE_NEEDS_RESET")
            }
        } catch { fail("\(error)") }
    }

    /// Publishes what `post` put on queue `index` and tells the device.
    mutating func publishAndKick(_ index: Int) {
        do throws(DriverError) {
            if index == receiveQueue {
                do { try rx.publish() } catch { throw .memory(error) }
                try kick(rx)
            } else {
                do { try tx.publish() } catch { throw .memory(error) }
                try kick(tx)
            }
        } catch { fail("\(error)") }
    }

    /// Writes `status` into `frame` and hands it back (room is certain: it was just taken).
    mutating func refuse(_ frame: consuming RRef<NetFrame>, _ status: NetStatus, into frames: inout RRefDeque<NetFrame, 32>) {
        var frame = frame
        try? frame.write(status, to: NetFrame.statusField)
        counters.refused &+= 1
        _ = frames.push(frame)
    }

    /// The device is given up: reset (it stops using the rings, §4.1.4.3.1) and bus mastering
    /// off, so that no transfer reaches a buffer about to be handed back.
    mutating func fail(_ why: String) {
        guard failure == nil else { return }
        try? Self.write8(common, Common.deviceStatus, 0)
        function.disable(.busMastering)
        failure = why
    }

    /// After a failure: the frames still on either queue, back as `deviceFailed` as room allows.
    mutating func handBackInFlight(into frames: inout RRefDeque<NetFrame, 32>) {
        for chain in 0..<rx.chains where frames.hasRoom {
            if (try? rx.frames.isOccupied(chain)) == true, let frame = try? rx.frames.take(at: chain) {
                rx.freeCount += 1
                refuse(frame, .deviceFailed, into: &frames)
            }
        }
        for chain in 0..<tx.chains where frames.hasRoom {
            if (try? tx.frames.isOccupied(chain)) == true, let frame = try? tx.frames.take(at: chain) {
                tx.freeCount += 1
                refuse(frame, .deviceFailed, into: &frames)
            }
        }
    }
}
