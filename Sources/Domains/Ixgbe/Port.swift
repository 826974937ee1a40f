import LeafInterfaces
import LeafSDK

/// Why the controller could not be brought up.
enum DriverError: Error, CustomStringConvertible {
    case outOfMemory
    case memory(AccessError)
    case device(DeviceError)
    case timedOut(String)
    case unsupported(String)

    var description: String {
        switch self {
        case .outOfMemory: "no memory for the rings"
        case .memory(let e): "ring memory refused: \(e)"
        case .device(let e): "\(e)"
        case .timedOut(let what): "timed out waiting for \(what)"
        case .unsupported(let what): "unsupported: \(what)"
        }
    }
}

/// One 82599 port brought up (datasheet §4.6.3, then §4.6.7 and §4.6.8, in that order), with
/// queue 0 of each direction. A struct held by one object: a call makes one dynamic access.
struct Port: ~Copyable {
    let function: PCIFunction
    let registers: MMIOWindow
    let mac: MACAddress
    var rx: Ring<Receive>
    var tx: Ring<Transmit>
    var counters = NetStatistics()
    /// When a call first found the transmit queue holding frames and writing none back (the
    /// function's clock, µs); 0 while it makes progress. The clock is read only on such calls.
    var transmitStalledSince: UInt64 = 0
    /// The transmit queue was found hung and stopped; its frames are being handed back.
    var transmitStopped = false
    /// Why the transmit queue was given up, if it was: every frame is then refused `deviceFailed`.
    var transmitFailure: String? = nil

    init(function: PCIFunction) throws(DriverError) {
        // §4.6.3 step 1 (PCI): the registers; INTx masked: the driver polls. DMA only after the
        // reset: what firmware (or a driver before a restart) gave the port is no longer its.
        function.enable([.memorySpace, .interruptsDisabled])
        let registers: MMIOWindow
        do { registers = try function.mmio(bar: 0) } catch { throw .device(error) }
        let rx = try Ring<Receive>(function: function), tx = try Ring<Transmit>(function: function)
        let r = Registers(window: registers, function: function)
        // §4.6.3.1: interrupts off.
        try r.write(Register.eimc, 0x7fff_ffff)
        // §5.2.5.3.2: master disable, with the receive queue stopped first; wait for the
        // outstanding requests to finish (STATUS.GIO_MASTER_ENABLE clears).
        try r.write(Register.rxdctl, try r.read(Register.rxdctl) & ~Bit.queueEnable)
        try r.write(Register.ctrl, try r.read(Register.ctrl) | Bit.masterDisable)
        // Requests still outstanding after 100 ms: the reset goes ahead anyway (it ends them).
        try? r.wait("master disable (STATUS.GIO_MASTER_ENABLE = 0)", milliseconds: 100) { s throws(DriverError) in
            try s.read(Register.status) & Bit.gioMasterEnabled == 0
        }
        // §4.6.3.2: global reset (RST with LNK_RST); no register access for at least 1 ms;
        // then RST clears itself; then 10 ms before use.
        try r.write(Register.ctrl, Bit.reset)
        r.pause(milliseconds: 1)
        try r.wait("the reset to complete (CTRL.RST = 0)", milliseconds: 100) { s throws(DriverError) in
            try s.read(Register.ctrl) & Bit.reset == 0
        }
        r.pause(milliseconds: 10)
        function.enable(.busMastering)
        // §4.6.3.1 again: the reset unmasked nothing, but the datasheet masks after it too.
        try r.write(Register.eimc, 0x7fff_ffff)
        // §4.6.3 steps 3-4: the EEPROM's auto-read, then DMA initialization.
        try r.wait("the EEPROM auto-read (EEC.ARD)", milliseconds: 100) { s throws(DriverError) in
            try s.read(Register.eec) & Bit.autoReadDone != 0
        }
        guard try r.read(Register.eec) & Bit.eepromPresent != 0 else { throw .unsupported("a port without an EEPROM (EEC.PRES = 0)") }
        try r.wait("DMA initialization (RDRXCTL.DMAIDONE)", milliseconds: 100) { s throws(DriverError) in
            try s.read(Register.rdrxctl) & Bit.dmaInitDone != 0
        }
        // The MAC the EEPROM loaded into RAR0 (§8.2.3.7.9): octets 0-3 in RAL, 4-5 in RAH.
        let ral = try r.read(Register.ral0), rah = try r.read(Register.rah0)
        guard rah & Bit.addressValid != 0 else { throw .unsupported("no valid receive address in RAR0") }
        let mac = UInt64(ral) | UInt64(rah & 0xffff) << 32
        // §4.6.3 step 6: the statistics, cleared by reading them once.
        for s in [Register.gprc, Register.gptc, Register.gorcl, Register.gorch, Register.gotcl, Register.gotch,
                  Register.rxmpc0, Register.qprdc0] { _ = try r.read(s) }
        try Self.setUpReceive(r, rx)
        try Self.setUpTransmit(r, tx)
        self.function = function
        self.registers = registers
        self.mac = MACAddress(raw: mac)
        self.rx = rx
        self.tx = tx
    }

    /// §4.6.7: receive, queue 0, advanced one-buffer descriptors of 2 KiB.
    static func setUpReceive(_ r: Registers, _ rx: borrowing Ring<Receive>) throws(DriverError) {
        try r.write(Register.rxctrl, try r.read(Register.rxctrl) & ~Bit.receiveEnable)
        // One packet buffer of 512 KiB (RXPBSIZE0, KiB in 19:10).
        try r.write(Register.rxpbsize0, 512 << 10)
        // CRC stripped, in both places that must agree (§8.2.3.8.8).
        try r.write(Register.hlreg0, try r.read(Register.hlreg0) | Bit.crcStrip)
        try r.write(Register.rdrxctl, try r.read(Register.rdrxctl) | Bit.crcStrip | Bit.rscAck | Bit.fcoeFix)
        // Every frame accepted: broadcast, unicast and multicast promiscuous (§8.2.3.7.1).
        try r.write(Register.fctrl, Bit.broadcastAccept | Bit.unicastPromiscuous | Bit.multicastPromiscuous)
        try r.write(Register.rdbal, UInt32(truncatingIfNeeded: rx.address))
        try r.write(Register.rdbah, UInt32(truncatingIfNeeded: rx.address >> 32))
        try r.write(Register.rdlen, UInt32(ringSize * 16))
        // SRRCTL: BSIZEPACKET 2 KiB, DESCTYPE 001 (advanced, one buffer), DROP_EN: a frame with
        // no descriptor is dropped and counted (QPRDC), not held in the packet buffer.
        try r.write(Register.srrctl, 2 | 1 << 25 | 1 << 28)
        try r.write(Register.rdh, 0)
        try r.write(Register.rdt, 0)
        try r.write(Register.rxdctl, try r.read(Register.rxdctl) | Bit.queueEnable)
        try r.wait("receive queue 0 to enable (RXDCTL.ENABLE)", milliseconds: 10) { s throws(DriverError) in
            try s.read(Register.rxdctl) & Bit.queueEnable != 0
        }
        // Receive on, with the security block held off while it starts (§4.6.7.1).
        try r.write(Register.secrxctrl, try r.read(Register.secrxctrl) | Bit.receiveDisable)
        try r.wait("the receive security block (SECRXSTAT.SECRX_RDY)", milliseconds: 10) { s throws(DriverError) in
            try s.read(Register.secrxstat) & Bit.securityReady != 0
        }
        try r.write(Register.rxctrl, try r.read(Register.rxctrl) | Bit.receiveEnable)
        try r.write(Register.secrxctrl, try r.read(Register.secrxctrl) & ~Bit.receiveDisable)
        // No snoop off; descriptor write-back relaxed ordering off (DCA_RXCTRL bit 12).
        try r.write(Register.ctrlExt, try r.read(Register.ctrlExt) | Bit.noSnoopDisable)
        try r.write(Register.dcaRxctrl, try r.read(Register.dcaRxctrl) & ~Bit.descriptorRelaxedOrdering)
    }

    /// §4.6.8: transmit, queue 0.
    static func setUpTransmit(_ r: Registers, _ tx: borrowing Ring<Transmit>) throws(DriverError) {
        try r.write(Register.hlreg0, try r.read(Register.hlreg0) | Bit.txCRC | Bit.txPad)
        // The packet buffer (TXPBSIZE0: 160 KiB) with the arbiter off while it changes.
        try r.write(Register.rttdcs, try r.read(Register.rttdcs) | Bit.arbiterDisable)
        try r.write(Register.txpbsize0, 160 << 10)
        try r.write(Register.dtxmxszrq, 0xfff)
        try r.write(Register.rttdcs, try r.read(Register.rttdcs) & ~Bit.arbiterDisable)
        try r.write(Register.tdbal, UInt32(truncatingIfNeeded: tx.address))
        try r.write(Register.tdbah, UInt32(truncatingIfNeeded: tx.address >> 32))
        try r.write(Register.tdlen, UInt32(ringSize * 16))
        try r.write(Register.tdh, 0)
        try r.write(Register.tdt, 0)
        // Thresholds PTHRESH 36, HTHRESH 8, WTHRESH 0: each descriptor with RS is written back
        // at once (a polling driver has no write-back timer to flush a partial batch).
        try r.write(Register.txdctl, 36 | 8 << 8)
        try r.write(Register.dmatxctl, try r.read(Register.dmatxctl) | Bit.transmitEnable)
        try r.write(Register.txdctl, try r.read(Register.txdctl) | Bit.queueEnable)
        // TDT must not move before the queue reads as enabled (§4.6.8).
        try r.wait("transmit queue 0 to enable (TXDCTL.ENABLE)", milliseconds: 10) { s throws(DriverError) in
            try s.read(Register.txdctl) & Bit.queueEnable != 0
        }
    }

    var linkIsUp: Bool { ((try? registers.read32(Register.links)) ?? 0) & Bit.linkUp != 0 }

    // MARK: Frames

    /// Posts each frame for sending and hands back, as room allows, the frames sent. A queue
    /// that holds frames and has written none back for `transmitTimeout` is hung: it is
    /// stopped and set up again (`stopTransmit`).
    mutating func transmit(_ frames: inout Frames) {
        if transmitStopped || transmitFailure != nil {
            // The caller's frames are refused: `notAccepted` (hand them in again) while the
            // queue is stopped, `deviceFailed` once it is given up.
            let status: NetStatus = transmitFailure == nil ? .notAccepted : .deviceFailed
            for _ in 0..<((try? frames.count()) ?? 0) {
                guard let frame = (try? frames.pop()) ?? nil else { break }
                refuse(frame, status, into: &frames, &counters)
            }
            return drainStoppedTransmit(into: &frames)
        }
        let idle = tx.inFlight == 0
        let cleaned = tx.post(&frames, function: function, registers: registers, &counters)
        if idle || cleaned > 0 || tx.inFlight == 0 {
            transmitStalledSince = 0
            return
        }
        let now = function.microseconds
        if transmitStalledSince == 0 {
            transmitStalledSince = now
        } else if now &- transmitStalledSince >= Self.transmitTimeout {
            stopTransmit()
            drainStoppedTransmit(into: &frames)
        }
    }

    /// Posts each buffer to receive into and hands back, as room allows, the frames received.
    mutating func receive(_ buffers: inout Frames) {
        _ = rx.post(&buffers, function: function, registers: registers, &counters)
    }

    // MARK: A hung transmit queue

    /// How long a transmit queue may hold frames without writing one back: at 10 Gb/s a full
    /// ring of the largest frames drains in under a millisecond, and flow control pauses it for
    /// at most 3.4 ms at a time (65,535 quanta of 512 bit times).
    static let transmitTimeout: UInt64 = 1_000_000

    /// Stops the hung transmit queue (TXDCTL.ENABLE cleared, then read back as 0: §4.6.8's
    /// enable undone), so that hardware reads no descriptor of it again. Its frames then go back
    /// `deviceFailed` (none was written back, so none is known to be sent).
    mutating func stopTransmit() {
        counters.resets &+= 1
        transmitStopped = true
        let r = Registers(window: registers, function: function)
        do throws(DriverError) {
            try r.write(Register.txdctl, try r.read(Register.txdctl) & ~Bit.queueEnable)
            try r.wait("transmit queue 0 to stop (TXDCTL.ENABLE = 0)", milliseconds: 10) { s throws(DriverError) in
                try s.read(Register.txdctl) & Bit.queueEnable == 0
            }
        } catch {
            // Still running, it could read buffers about to be handed back: no more DMA at all.
            function.disable(.busMastering)
            transmitFailure = "the hung transmit queue could not be stopped: \(error)"
        }
    }

    /// Hands back the frames the stopped queue held, `deviceFailed`, as room allows (the rest at
    /// the next calls). Once none is left the queue is set up again from descriptor 0 (TDH =
    /// TDT = 0, then enabled and awaited before the tail moves, §4.6.8).
    mutating func drainStoppedTransmit(into frames: inout Frames) {
        while tx.inFlight > 0, frames.hasRoom, var frame = try? tx.takeClean() {
            try? frame.write(.deviceFailed, to: NetFrame.statusField)
            _ = frames.push(frame)
        }
        guard tx.inFlight == 0, transmitStopped, transmitFailure == nil else { return }
        tx.rewind()
        let r = Registers(window: registers, function: function)
        do throws(DriverError) {
            try r.write(Register.tdh, 0)
            try r.write(Register.tdt, 0)
            try r.write(Register.txdctl, try r.read(Register.txdctl) | Bit.queueEnable)
            try r.wait("transmit queue 0 to enable again (TXDCTL.ENABLE)", milliseconds: 10) { s throws(DriverError) in
                try s.read(Register.txdctl) & Bit.queueEnable != 0
            }
            transmitStopped = false
            transmitStalledSince = 0
        } catch { transmitFailure = "the transmit queue could not be set up again: \(error)" }
    }

    /// The counters, with the frames hardware dropped for want of a descriptor since the last
    /// call (QPRDC, read to clear; RXMPC for a frame the packet buffer missed).
    mutating func statistics() -> NetStatistics {
        let dropped = UInt64((try? registers.read32(Register.qprdc0)) ?? 0) + UInt64((try? registers.read32(Register.rxmpc0)) ?? 0)
        counters.drops &+= dropped
        return counters
    }
}

/// Register access for bring-up, with the waits the datasheet gives as polls bounded in time.
struct Registers {
    let window: MMIOWindow
    let function: PCIFunction

    func read(_ offset: Int) throws(DriverError) -> UInt32 {
        do { return try window.read32(offset) } catch { throw .device(error) }
    }
    func write(_ offset: Int, _ value: UInt32) throws(DriverError) {
        do { try window.write32(offset, value) } catch { throw .device(error) }
    }
    /// Polls `done` until it holds, at most `milliseconds`.
    func wait(_ what: String, milliseconds: UInt64, _ done: (Registers) throws(DriverError) -> Bool) throws(DriverError) {
        let deadline = function.microseconds &+ milliseconds &* 1000
        while try !done(self) {
            if function.microseconds > deadline { throw .timedOut(what) }
        }
    }
    /// Waits `milliseconds` without touching the port.
    func pause(milliseconds: UInt64) { function.delay(microseconds: milliseconds &* 1000) }
}
