/// Submission and completion queue entries (NVMe 1.4 §4.2, §4.6) and the opcodes the driver
/// issues (§5, admin; §6, NVM command set).
typealias SubmissionEntry = InlineArray<8, UInt64>

enum AdminOpcode {
    static let createIOSubmissionQueue: UInt8 = 0x01   // §5.4
    static let createIOCompletionQueue: UInt8 = 0x05   // §5.3
    static let identify: UInt8 = 0x06                  // §5.15
}

enum IOOpcode {
    static let flush: UInt8 = 0x00   // §6.8
    static let write: UInt8 = 0x01   // §6.15
    static let read: UInt8 = 0x02    // §6.9
}

/// Identify's CNS values (§5.15.1, figure 244).
enum IdentifyTarget {
    static let namespace: UInt32 = 0x00
    static let controller: UInt32 = 0x01
}

extension SubmissionEntry {
    /// A command (§4.2, figure 105): CDW0 = opcode (7:0), PSDT 0 (PRPs), CID (31:16); NSID in
    /// dword 1; PRP1 and PRP2 in dwords 6-9; CDW10-15 in dwords 10-15.
    init(opcode: UInt8, commandID: UInt16, namespace: UInt32 = 0, prp1: UInt64 = 0, prp2: UInt64 = 0,
         cdw10: UInt32 = 0, cdw11: UInt32 = 0, cdw12: UInt32 = 0) {
        self.init(repeating: 0)
        self[0] = UInt64(opcode) | UInt64(commandID) << 16 | UInt64(namespace) << 32
        self[3] = prp1
        self[4] = prp2
        self[5] = UInt64(cdw10) | UInt64(cdw11) << 32
        self[6] = UInt64(cdw12)
    }
}

/// Dword 3 of a completion queue entry (§4.6, figure 124-126): CID (15:0), phase tag (16),
/// status field (31:17: SC 24:17, SCT 27:25, CRD, More, DNR).
struct CompletionWord {
    let raw: UInt32
    var commandID: UInt16 { UInt16(truncatingIfNeeded: raw) }
    var phase: UInt32 { (raw >> 16) & 1 }
    /// Status Code Type and Status Code (SCT in bits 10:8, SC in 7:0); 0 is success.
    var status: UInt16 { UInt16(truncatingIfNeeded: (raw >> 17) & 0x7ff) }
}
