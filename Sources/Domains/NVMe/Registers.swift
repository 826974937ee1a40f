/// The controller's registers (NVMe 1.4 §3.1, "Register Definition"): offsets in BAR 0 and the
/// fields the driver uses. All little-endian; CAP, ASQ and ACQ are 64 bits wide.
enum Register {
    static let capabilities = 0x00          // CAP
    static let version = 0x08               // VS
    static let interruptMaskSet = 0x0c      // INTMS
    static let configuration = 0x14         // CC
    static let status = 0x1c                // CSTS
    static let adminQueueAttributes = 0x24  // AQA
    static let adminSubmissionQueue = 0x28  // ASQ
    static let adminCompletionQueue = 0x30  // ACQ
    /// Doorbells start here (§3.1.24-25); their stride is 4 << CAP.DSTRD.
    static let doorbells = 0x1000
}

/// CAP (§3.1.1).
struct Capabilities {
    let raw: UInt64
    /// Maximum Queue Entries Supported, 0-based (bits 15:0).
    var maximumQueueEntries: Int { Int(raw & 0xffff) + 1 }
    /// Timeout (bits 31:24): the worst case for CSTS.RDY to follow CC.EN, in 500 ms units.
    var timeoutMicroseconds: UInt64 { max(1, (raw >> 24) & 0xff) * 500_000 }
    /// Doorbell Stride (bits 35:32): doorbells are 4 << DSTRD bytes apart.
    var doorbellStride: Int { 4 << Int((raw >> 32) & 0xf) }
    /// Command Sets Supported (bits 44:37), bit 0: the NVM command set.
    var supportsNVMCommandSet: Bool { (raw >> 37) & 1 != 0 }
    /// Memory Page Size Minimum and Maximum (bits 51:48, 55:52): 2^(12 + n) bytes.
    var pageSizeRange: ClosedRange<Int> { Int((raw >> 48) & 0xf)...Int((raw >> 52) & 0xf) }
}

/// CC (§3.1.5): the value the driver enables the controller with.
enum Configuration {
    static let enable: UInt32 = 0x1
    /// I/O Submission and Completion Queue Entry Sizes (bits 19:16, 23:20) as powers of two:
    /// 64-byte and 16-byte entries. QEMU requires them in the write that sets EN (DEVICE-FACTS §1).
    static let entrySizes: UInt32 = 0x0046_0000   // 6 << 16 | 4 << 20
    /// CSS 0 (NVM command set), MPS 0 (4 KiB pages), AMS 0 (round robin).
    static let enabled: UInt32 = 0x0046_0001      // enable | entrySizes
}

/// CSTS (§3.1.6).
enum ControllerStatus {
    static let ready: UInt32 = 0x1
    static let fatal: UInt32 = 0x2
}
