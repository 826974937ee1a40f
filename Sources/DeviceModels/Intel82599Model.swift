@_spi(Kernel) import LeafCore
import LeafDevices

/// A behavioural model of the Intel 82599 10 GbE controller (82599 datasheet, DEVICE-FACTS §4),
/// at the register and descriptor level, for the ixgbe driver on the host and in the kernel
/// (no hypervisor emulates the 82599). PCI 8086:10FB, BAR0 128 KiB of 32-bit registers.
///
/// What it models, because a driver depends on it: reset values and the self-clearing CTRL.RST
/// (the registers read back as after power-up once it clears); STATUS.GIO master enable
/// following CTRL's master disable; EEC auto-read done, RDRXCTL.DMAIDONE, SECRX_RDY; enable
/// bits (RXDCTL/TXDCTL.ENABLE) that take effect some accesses after they are written; the
/// aliases of SRRCTL and DCA_RXCTRL for queues 0-15; read-to-clear statistics and EICR; RX and
/// TX rings of queue 0 owned by hardware between head and tail, advanced descriptors, write-back
/// of DD (and EOP, length) batched by WTHRESH so that a driver reading a descriptor too early
/// sees it unwritten; a frame with no free descriptor dropped and counted (QPRDC with
/// SRRCTL.DROP_EN, RXMPC without); link up or down. Frames sent go to the model cabled to this
/// one (`cable(to:)`, or itself). Faults: link loss, a stuck transmit queue, a corrupted receive
/// descriptor write-back.
public final class Intel82599Model: PCIDeviceModel {
    public let identity = ModelIdentity(vendorID: 0x8086, deviceID: 0x10fb, revision: 0x01, classCode: 0x02, subclass: 0x00, progIF: 0x00,
                                        bars: [(slot: 0, kind: .memory64, size: 128 * 1024)])
    /// The address in the EEPROM, loaded into RAR0 at reset.
    public let mac: UInt64
    public var linkUp = true
    /// Fault: the transmit queue takes no descriptor (as a hung queue would).
    public var transmitStuck = false
    /// Fault: the next receive write-back reports a receive error (RXE) and a wrong length.
    public var corruptNextReceive = false
    /// Where sent frames go: the model at the other end of the cable (itself for a loopback).
    public private(set) var peer: Intel82599Model? = nil
    /// Frames that arrived and were delivered into a descriptor, dropped for want of one, or
    /// sent; for tests to compare with the driver's counters.
    public private(set) var framesDelivered = 0
    public private(set) var framesDropped = 0
    public private(set) var framesSent = 0
    public private(set) var resets = 0
    /// When set, the cycles spent inside the model's register accesses and `step` are counted
    /// there (what a benchmark subtracts to leave the driver's own cost).
    public var cycleAccount: CycleAccount? = nil

    var registers = [UInt32](repeating: 0, count: 32 * 1024)
    var memory: ModelMemory? = nil
    /// When the global reset in progress completes, in bus microseconds (nil: none is), and
    /// until when the port must not be accessed after it was asked for (§4.6.3.2: 1 ms).
    var resetDoneAt: UInt64? = nil
    var resetQuietUntil: UInt64 = 0
    /// How long a global reset takes (less than the 1 ms a driver waits before it polls RST).
    static let resetMicroseconds: UInt64 = 300
    /// Register accesses made within 1 ms of setting CTRL.RST, which the datasheet forbids.
    public private(set) var accessesTooSoonAfterReset = 0
    /// Accesses left until queue 0's enables take effect.
    var receiveEnableIn = -1, transmitEnableIn = -1
    var receiveEnabled = false, transmitEnabled = false
    /// Descriptor write-backs not yet made (WTHRESH), oldest first: (descriptor address, the
    /// two qwords to write).
    var receiveWriteBacks: [(address: UInt64, low: UInt64, high: UInt64)] = []
    var transmitWriteBacks: [(address: UInt64, low: UInt64, high: UInt64)] = []
    /// A frame being gathered from several transmit descriptors (until EOP).
    var gathering: [UInt8] = []

    public init(mac: UInt64 = 0x1200_0000_1b00) {
        self.mac = mac & 0xffff_ffff_ffff
        reset()
        resets = 0
    }

    public func attached(memory: ModelMemory) { self.memory = memory }

    /// Cables this port to `other` (both ways); a model cabled to itself loops back.
    public func cable(to other: Intel82599Model) {
        peer = other
        other.peer = self
    }

    // MARK: Registers (datasheet §8.2.3)

    enum R {
        static let ctrl = 0x0_0000, status = 0x0_0008, ctrlExt = 0x0_0018, eec = 0x1_0010, fwsm = 0x1_0148
        static let eicr = 0x0_0800, eims = 0x0_0880, eimc = 0x0_0888, eitr0 = 0x0_0820
        static let autoc = 0x0_42a0, links = 0x0_42a4, hlreg0 = 0x0_4240
        static let ral0 = 0x0_5400, rah0 = 0x0_5404, fctrl = 0x0_5080
        static let rdrxctl = 0x0_2f00, rxctrl = 0x0_3000, secrxctrl = 0x0_8d00, secrxstat = 0x0_8d04
        static let dmatxctl = 0x0_4a80
        // Queue 0 (§8.2.3.8, §8.2.3.9).
        static let rdbal = 0x0_1000, rdbah = 0x0_1004, rdlen = 0x0_1008, dcaRxctrl = 0x0_100c, rdh = 0x0_1010
        static let srrctl = 0x0_1014, rdt = 0x0_1018, rxdctl = 0x0_1028
        static let tdbal = 0x0_6000, tdbah = 0x0_6004, tdlen = 0x0_6008, tdh = 0x0_6010, tdt = 0x0_6018, txdctl = 0x0_6028
        // Statistics (§8.2.3.23), read to clear.
        static let gprc = 0x0_4074, gptc = 0x0_4080, gorcl = 0x0_4088, gorch = 0x0_408c, gotcl = 0x0_4090, gotch = 0x0_4094
        static let tpr = 0x0_40d0, tpt = 0x0_40d4, rxmpc0 = 0x0_3fa0, qprdc0 = 0x0_1430
        static let statistics = [gprc, gptc, gorcl, gorch, gotcl, gotch, tpr, tpt, rxmpc0, qprdc0]
    }

    /// Power-up values (§8.2.3): what a driver may count on after CTRL.RST.
    func reset() {
        for i in registers.indices { registers[i] = 0 }
        set(R.eec, 1 << 8 | 1 << 9)            // EEPROM present, auto-read done
        set(R.rdrxctl, 1 << 3)                 // DMA init done
        set(R.hlreg0, 1 << 0 | 1 << 1 | 1 << 10 | 1 << 27)
        set(R.dcaRxctrl, 1 << 12)
        set(R.srrctl, 2)                       // 2 KiB buffers
        set(R.autoc, 0xc09c_6004)
        set(R.ral0, UInt32(truncatingIfNeeded: mac))
        set(R.rah0, UInt32(truncatingIfNeeded: mac >> 32) & 0xffff | 1 << 31)
        receiveEnabled = false; transmitEnabled = false
        receiveEnableIn = -1; transmitEnableIn = -1
        receiveWriteBacks.removeAll(); transmitWriteBacks.removeAll(); gathering.removeAll()
        resets += 1
    }

    func get(_ offset: Int) -> UInt32 { registers[offset / 4] }
    func set(_ offset: Int, _ value: UInt32) { registers[offset / 4] = value }

    /// SRRCTL and DCA_RXCTRL of queues 0-15 are reachable at two addresses (§8.2.3.8.7, 8.2.3.11.1).
    func canonical(_ offset: Int) -> Int {
        if (0x0_2100..<0x0_2140).contains(offset) { return 0x0_1014 + 0x40 * ((offset - 0x0_2100) / 4) }
        if (0x0_2200..<0x0_2240).contains(offset) { return 0x0_100c + 0x40 * ((offset - 0x0_2200) / 4) }
        return offset
    }

    /// Time passes with each access: a reset completes, enables take effect, and write-backs
    /// held longer than a moment are made (the write-back timer).
    func tick() {
        let now = memory?.clock.microseconds ?? .max
        if now < resetQuietUntil { accessesTooSoonAfterReset += 1 }
        if let done = resetDoneAt, now >= done {
            resetDoneAt = nil
            reset()
        }
        if receiveEnableIn > 0 { receiveEnableIn -= 1; if receiveEnableIn == 0 { receiveEnabled = true } }
        if transmitEnableIn > 0 { transmitEnableIn -= 1; if transmitEnableIn == 0 { transmitEnabled = true } }
    }

    public func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64 {
        cycleAccount.measure { Kernel.inKernelHeap { registerRead(canonical(offset)) } }
    }

    func registerRead(_ offset: Int) -> UInt64 {
        tick()
        guard width32(offset) else { return 0 }
        switch offset {
        case R.ctrl: return UInt64(get(R.ctrl) | (resetDoneAt != nil ? 1 << 26 : 0))
        case R.status:
            // GIO master enable status (bit 19) clears once master disable (CTRL bit 2) is set.
            return UInt64((get(R.ctrl) & 1 << 2 == 0 ? 1 << 19 : 0) | (linkUp ? 1 << 7 : 0))
        case R.links: return linkUp ? 0x7000_0000 | 1 << 31 : 0
        case R.secrxstat: return 1
        case R.rxdctl: return UInt64(get(R.rxdctl) & ~(1 << 25) | (receiveEnabled ? 1 << 25 : 0))
        case R.txdctl: return UInt64(get(R.txdctl) & ~(1 << 25) | (transmitEnabled ? 1 << 25 : 0))
        case R.eicr:
            defer { set(R.eicr, 0) }
            return UInt64(get(R.eicr))
        default:
            if R.statistics.contains(offset) {
                defer { set(offset, 0) }
                return UInt64(get(offset))
            }
            return UInt64(get(offset))
        }
    }

    func width32(_ offset: Int) -> Bool { offset & 3 == 0 && offset < registers.count * 4 }

    public func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError) {
        cycleAccount.measure { Kernel.inKernelHeap { registerWrite(canonical(offset), UInt32(truncatingIfNeeded: value)) } }
    }

    func registerWrite(_ offset: Int, _ value: UInt32) {
        tick()
        guard width32(offset), resetDoneAt == nil else { return }
        switch offset {
        case R.ctrl:
            // RST (bit 26) or LNK_RST with it: a global reset, done a little later (§4.2.1.6.1).
            if value & 1 << 26 != 0 {
                let now = memory?.clock.microseconds ?? 0
                resetDoneAt = now &+ Intel82599Model.resetMicroseconds
                resetQuietUntil = now &+ 1000
                return
            }
            set(R.ctrl, value)
        case R.eicr: set(R.eicr, get(R.eicr) & ~value)
        case R.eimc: set(R.eims, get(R.eims) & ~value)
        case R.eims: set(R.eims, get(R.eims) | value)
        case R.status, R.links, R.secrxstat, R.eec: break
        case R.rxdctl:
            set(R.rxdctl, value)
            if value & 1 << 25 != 0 { if !receiveEnabled && receiveEnableIn < 0 { receiveEnableIn = 10 } }
            else { receiveEnabled = false; receiveEnableIn = -1 }
        case R.txdctl:
            set(R.txdctl, value)
            if value & 1 << 25 != 0 { if !transmitEnabled && transmitEnableIn < 0 { transmitEnableIn = 10 } }
            else { transmitEnabled = false; transmitEnableIn = -1 }
        case R.rdt:
            // Kept as written: a tail at or past the ring's end is the driver's error, and the
            // device then takes nothing (it never wraps a tail for the driver).
            set(R.rdt, value)
        case R.tdt:
            set(R.tdt, value)
            transmit()
        default:
            if R.statistics.contains(offset) { return }
            set(offset, value)
        }
    }

    func descriptors(_ lengthRegister: Int) -> UInt32 { get(lengthRegister) / 16 }

    /// Makes the write-backs held (the write-back timer firing; a test calls it between calls).
    /// The write-back timer fires only with interrupt throttling set (EITR0, §7.3.2.1.1): a
    /// polling driver that leaves write-backs below WTHRESH waits for them for ever, as on the
    /// card.
    public func step() {
        cycleAccount.measure { Kernel.inKernelHeap {
            if get(R.eitr0) != 0 {
                flush(&receiveWriteBacks, threshold: 1)
                flush(&transmitWriteBacks, threshold: 1)
            }
            transmit()
        } }
    }

    /// Writes back the oldest held descriptors once `threshold` of them wait.
    func flush(_ pending: inout [(address: UInt64, low: UInt64, high: UInt64)], threshold: Int) {
        guard pending.count >= threshold, let memory else { return }
        for w in pending {
            try? memory.store(w.low, at: w.address)
            try? memory.store(w.high, at: w.address &+ 8)
        }
        pending.removeAll(keepingCapacity: true)
    }

    func threshold(_ control: Int) -> Int { max(1, Int((get(control) >> 16) & 0x7f)) }

    // MARK: Transmit (§7.2)

    /// Takes every descriptor from TDH to TDT: advanced data descriptors (§7.2.3.2.4), a frame
    /// ending at the one with EOP; with RS, DD is written back (batched by WTHRESH).
    func transmit() {
        guard transmitEnabled, get(R.dmatxctl) & 1 != 0, !transmitStuck, let memory else { return }
        let count = descriptors(R.tdlen)
        // A head or tail past the ring (or a ring of nothing) is the driver's error: the queue
        // takes nothing, and never loops.
        guard count > 0, get(R.tdh) < count, get(R.tdt) < count else { return }
        let base = UInt64(get(R.tdbal)) | UInt64(get(R.tdbah)) << 32
        while get(R.tdh) != get(R.tdt) {
            let head = get(R.tdh)
            let at = base &+ UInt64(head) * 16
            guard let buffer = try? memory.load(at, as: UInt64.self), let command = try? memory.load(at &+ 8, as: UInt32.self) else {
                return   // a descriptor the driver did not give the device: the queue stops
            }
            let length = Int(command & 0xffff)
            // A frame never ended (no EOP within 16 KiB, the card's largest): dropped.
            if gathering.count + length > 16 * 1024 { gathering.removeAll(keepingCapacity: true) }
            // Gathered in place, into storage kept from frame to frame (no allocation per frame).
            let at0 = gathering.count
            gathering.append(contentsOf: repeatElement(0, count: length))
            guard (try? memory.copy(from: buffer, count: length, into: &gathering, at: at0)) != nil else {
                gathering.removeLast(length)
                return
            }
            if command & 1 << 24 != 0 {                       // EOP
                deliver(gathering)
                gathering.removeAll(keepingCapacity: true)
            }
            if command & 1 << 27 != 0 {                       // RS: status DD in olinfo_status
                let olinfo = (try? memory.load(at &+ 12, as: UInt32.self)) ?? 0
                transmitWriteBacks.append((at, buffer, UInt64(command) | UInt64(olinfo | 1) << 32))
                flush(&transmitWriteBacks, threshold: threshold(R.txdctl))
            }
            set(R.tdh, (head + 1) % count)
        }
    }

    func deliver(_ frame: [UInt8]) {
        framesSent += 1
        count(R.gptc, R.tpt, R.gotcl, R.gotch, bytes: frame.count)
        guard linkUp, let peer, peer.linkUp else { return }
        peer.receive(frame)
    }

    func count(_ packets: Int, _ total: Int, _ low: Int, _ high: Int, bytes: Int) {
        set(packets, get(packets) &+ 1)
        set(total, get(total) &+ 1)
        let octets = (UInt64(get(low)) | UInt64(get(high)) << 32) &+ UInt64(bytes)
        set(low, UInt32(truncatingIfNeeded: octets))
        set(high, UInt32(truncatingIfNeeded: octets >> 32))
    }

    // MARK: Receive (§7.1)

    /// A frame off the wire, into the descriptor at RDH if hardware owns one (RDH != RDT):
    /// the buffer at the descriptor's packet address, then the advanced write-back (§7.1.6.2).
    func receive(_ frame: [UInt8]) {
        Kernel.inKernelHeap {
            guard get(R.rxctrl) & 1 != 0, receiveEnabled, let memory else { return }
            let ring = descriptors(R.rdlen)
            let head = get(R.rdh)
            // Hardware owns RDH up to RDT - 1; a head or tail past the ring owns nothing.
            guard ring > 0, head < ring, get(R.rdt) < ring, head != get(R.rdt) else {
                framesDropped += 1
                if get(R.srrctl) & 1 << 28 != 0 { set(R.qprdc0, get(R.qprdc0) &+ 1) } else { set(R.rxmpc0, get(R.rxmpc0) &+ 1) }
                return
            }
            let base = UInt64(get(R.rdbal)) | UInt64(get(R.rdbah)) << 32
            let at = base &+ UInt64(head) * 16
            let size = Int(get(R.srrctl) & 0x1f) * 1024
            guard let buffer = try? memory.load(at, as: UInt64.self), frame.count <= size,
                  (try? memory.copy(to: buffer, count: frame.count, from: frame, at: 0)) != nil else {
                framesDropped += 1
                return
            }
            framesDelivered += 1
            count(R.gprc, R.tpr, R.gorcl, R.gorch, bytes: frame.count)
            // status DD | EOP; errors RXE (bit 29) and a wrong length when corrupted.
            var statusError: UInt32 = 1 << 0 | 1 << 1
            var length = UInt32(frame.count)
            if corruptNextReceive { statusError |= 1 << 29; length = 0xffff; corruptNextReceive = false }
            receiveWriteBacks.append((at, 0, UInt64(statusError) | UInt64(length) << 32))
            flush(&receiveWriteBacks, threshold: threshold(R.rxdctl))
            set(R.rdh, (head + 1) % ring)
        }
    }
}
