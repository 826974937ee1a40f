/// The 82599's registers the driver uses (datasheet §8.2.3; DEVICE-FACTS §4), queue 0's at
/// their queue-0 addresses. Written from the datasheet, not shared with the model, so that a
/// mistake in one is caught by the other.
enum Register {
    static let ctrl = 0x0_0000, status = 0x0_0008, ctrlExt = 0x0_0018
    static let eec = 0x1_0010, eimc = 0x0_0888
    static let links = 0x0_42a4, hlreg0 = 0x0_4240
    static let ral0 = 0x0_5400, rah0 = 0x0_5404, fctrl = 0x0_5080
    static let rdrxctl = 0x0_2f00, rxctrl = 0x0_3000, rxpbsize0 = 0x0_3c00
    static let secrxctrl = 0x0_8d00, secrxstat = 0x0_8d04
    static let dmatxctl = 0x0_4a80, rttdcs = 0x0_4900, txpbsize0 = 0x0_cc00, dtxmxszrq = 0x0_8100
    static let rdbal = 0x0_1000, rdbah = 0x0_1004, rdlen = 0x0_1008, dcaRxctrl = 0x0_100c
    static let rdh = 0x0_1010, srrctl = 0x0_1014, rdt = 0x0_1018, rxdctl = 0x0_1028
    static let tdbal = 0x0_6000, tdbah = 0x0_6004, tdlen = 0x0_6008, tdh = 0x0_6010, tdt = 0x0_6018, txdctl = 0x0_6028
    /// Statistics, cleared by reading (§8.2.3.23).
    static let gprc = 0x0_4074, gptc = 0x0_4080, gorcl = 0x0_4088, gorch = 0x0_408c, gotcl = 0x0_4090, gotch = 0x0_4094
    static let rxmpc0 = 0x0_3fa0, qprdc0 = 0x0_1430
}

enum Bit {
    static let masterDisable: UInt32 = 0x4            // CTRL bit 2
    static let reset: UInt32 = 0x0400_0008            // CTRL.RST (26) with LNK_RST (3)
    static let gioMasterEnabled: UInt32 = 0x8_0000    // STATUS bit 19
    static let eepromPresent: UInt32 = 0x100          // EEC bit 8
    static let autoReadDone: UInt32 = 0x200           // EEC bit 9
    static let dmaInitDone: UInt32 = 0x8              // RDRXCTL bit 3
    static let rscAck: UInt32 = 0x200_0000, fcoeFix: UInt32 = 0x400_0000   // RDRXCTL bits 25, 26
    static let crcStrip: UInt32 = 0x2                 // RDRXCTL bit 1, HLREG0.RXCRCSTRP bit 1
    static let txCRC: UInt32 = 0x1, txPad: UInt32 = 0x400   // HLREG0 bits 0, 10
    static let receiveEnable: UInt32 = 0x1            // RXCTRL.RXEN
    static let receiveDisable: UInt32 = 0x2           // SECRXCTRL.RX_DIS
    static let securityReady: UInt32 = 0x1            // SECRXSTAT.SECRX_RDY
    static let queueEnable: UInt32 = 0x200_0000       // RXDCTL/TXDCTL bit 25
    static let transmitEnable: UInt32 = 0x1           // DMATXCTL.TE
    static let arbiterDisable: UInt32 = 0x40          // RTTDCS bit 6
    static let noSnoopDisable: UInt32 = 0x1_0000      // CTRL_EXT bit 16
    static let descriptorRelaxedOrdering: UInt32 = 0x1000   // DCA_RXCTRL bit 12
    static let broadcastAccept: UInt32 = 0x400, unicastPromiscuous: UInt32 = 0x200, multicastPromiscuous: UInt32 = 0x100
    static let linkUp: UInt32 = 0x4000_0000           // LINKS bit 30
    static let addressValid: UInt32 = 0x8000_0000     // RAH.AV
}

/// Advanced descriptors (§7.1.6, §7.2.3.2.4), as their second qword.
enum AdvancedDescriptor {
    /// Receive write-back: status DD (bit 0) and EOP (bit 1), errors in 31:20 (RXE 29), the
    /// length in bits 47:32.
    /// Frame errors only (CE 24, LE 25, RXE 29): a checksum error (TCPE, IPE) is no error of
    /// the frame, and the 82599 reports it on good frames too.
    static let done: UInt64 = 0x1, endOfPacket: UInt64 = 0x2, errors: UInt64 = 0x2300_0000
    /// Transmit data descriptor: DTYP 3 (23:20), DCMD EOP 24, IFCS 25, RS 27, DEXT 29; the
    /// payload length in olinfo_status 31:14; DD is bit 0 of olinfo_status (bit 32 here).
    static let transmitCommand: UInt64 = 0x2b30_0000
    static let transmitDone: UInt64 = 0x1_0000_0000
}
