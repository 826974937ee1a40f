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
    var rx: Virtqueue<Receive>
    var tx: Virtqueue<Transmit>
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
        let rx = try Self.setUp(Receive.self, common, function)
        let tx = try Self.setUp(Transmit.self, common, function)
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

    static func setUp<D: Direction>(_ direction: D.Type, _ common: Structure, _ function: PCIFunction) throws(DriverError) -> Virtqueue<D> {
        let index = D.queue
        try write16(common, Common.queueSelect, UInt16(index))
        let offered = Int(try read16(common, Common.queueSize))
        guard offered >= 2 else { throw .unsupported("virtqueue \(index) is absent (queue_size \(offered))") }
        let size = min(offered, largestQueue)
        // A split virtqueue's size is a power of two (§2.7).
        guard size & (size - 1) == 0 else { throw .unsupported("virtqueue \(index) of \(size) entries, not a power of two") }
        try write16(common, Common.queueSize, UInt16(size))
        var queue = try Virtqueue<D>(size: size, function: function)
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

    /// Posts each frame for sending and hands back, as room allows, the frames sent.
    mutating func transmit(_ frames: inout Frames) {
        guard failure == nil else { return refuseAll(&frames) }
        do { _ = try tx.post(&frames, function: function, notify: notify, multiplier: notifyMultiplier, &counters) }
        catch { fail("\(error)") }
        if failure != nil { handBackInFlight(into: &frames) }
    }

    /// Posts each buffer to receive into and hands back, as room allows, the frames received.
    mutating func receive(_ buffers: inout Frames) {
        guard failure == nil else { return refuseAll(&buffers) }
        do throws(DriverError) {
            let reaped = try rx.post(&buffers, function: function, notify: notify, multiplier: notifyMultiplier, &counters)
            // Nothing came back while chains are out: a device that stopped (NEEDS_RESET) is
            // failed rather than waited for.
            if reaped == 0, rx.inFlight + tx.inFlight > 0,
               try Self.read8(common, Common.deviceStatus) & (Status.needsReset | Status.failed) != 0 {
                throw .protocolError("the device set DEVICE_NEEDS_RESET")
            }
        } catch { fail("\(error)") }
        if failure != nil { handBackInFlight(into: &buffers) }
    }

    /// The device failed: every frame handed in comes back `deviceFailed`, then what was left on
    /// the queues.
    mutating func refuseAll(_ frames: inout Frames) {
        for _ in 0..<((try? frames.count()) ?? 0) {
            guard let frame = (try? frames.pop()) ?? nil else { break }
            refuse(frame, .deviceFailed, into: &frames, &counters)
        }
        handBackInFlight(into: &frames)
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
    mutating func handBackInFlight(into frames: inout Frames) {
        for chain in 0..<rx.chains where frames.hasRoom {
            if (try? rx.frames.isOccupied(chain)) == true, let frame = try? rx.frames.take(at: chain) {
                rx.freeCount += 1
                refuse(frame, .deviceFailed, into: &frames, &counters)
            }
        }
        for chain in 0..<tx.chains where frames.hasRoom {
            if (try? tx.frames.isOccupied(chain)) == true, let frame = try? tx.frames.take(at: chain) {
                tx.freeCount += 1
                refuse(frame, .deviceFailed, into: &frames, &counters)
            }
        }
    }
}
