@_spi(Kernel) import LeafDevices

/// A model's PCI identity and BAR layout: what its configuration space says about it.
public struct ModelIdentity: Sendable {
    public var vendorID: UInt16, deviceID: UInt16
    public var revision: UInt8, classCode: UInt8, subclass: UInt8, progIF: UInt8
    /// (slot, kind, size in bytes, a power of two); a 64-bit BAR takes its slot and the next.
    public var bars: [(slot: Int, kind: BAR.Kind, size: UInt64)]

    public init(vendorID: UInt16, deviceID: UInt16, revision: UInt8, classCode: UInt8, subclass: UInt8, progIF: UInt8,
                bars: [(slot: Int, kind: BAR.Kind, size: UInt64)]) {
        self.vendorID = vendorID
        self.deviceID = deviceID
        self.revision = revision
        self.classCode = classCode
        self.subclass = subclass
        self.progIF = progIF
        self.bars = bars
    }
}

/// The configuration space of a model on the virtual bus (a type 0 header, PCI 3.0 §6.1):
/// identity read-only, COMMAND writable (decode and bus-master bits), BARs that answer a write of
/// all ones with their size mask, as real ones do, so the same BAR sizing runs on both back-ends.
final class ModelConfigSpace: ConfigSpace {
    var words: [UInt32] = Array(repeating: 0, count: 64)
    /// Per BAR register (0...5): the address bits it implements (0: none), and its flag bits
    /// (I/O 0x1, 64-bit memory 0x4), which read back whatever is written.
    var implemented: [UInt32] = Array(repeating: 0, count: 6)
    var flags: [UInt32] = Array(repeating: 0, count: 6)

    init(_ identity: ModelIdentity, bases: [UInt64]) {
        words[0] = UInt32(identity.vendorID) | UInt32(identity.deviceID) << 16
        words[2] = UInt32(identity.revision) | UInt32(identity.progIF) << 8 | UInt32(identity.subclass) << 16 | UInt32(identity.classCode) << 24
        for (i, bar) in identity.bars.enumerated() {
            let base = bases[i]
            switch bar.kind {
            case .io:
                implemented[bar.slot] = ~UInt32(bar.size - 1) & 0xffff_fffc
                flags[bar.slot] = 0x1
            case .memory32:
                implemented[bar.slot] = ~UInt32(bar.size - 1) & 0xffff_fff0
            case .memory64:
                let mask = ~(bar.size - 1)
                implemented[bar.slot] = UInt32(truncatingIfNeeded: mask) & 0xffff_fff0
                implemented[bar.slot + 1] = UInt32(truncatingIfNeeded: mask >> 32)
                flags[bar.slot] = 0x4
                write32(0x10 + 4 * (bar.slot + 1), UInt32(truncatingIfNeeded: base >> 32))
            }
            write32(0x10 + 4 * bar.slot, UInt32(truncatingIfNeeded: base))
        }
    }

    var command: UInt16 { UInt16(truncatingIfNeeded: words[1]) }

    func read32(_ offset: Int) -> UInt32 { words[(offset & 0xff) >> 2] }

    func write32(_ offset: Int, _ value: UInt32) {
        let index = (offset & 0xff) >> 2
        switch index {
        case 1:
            // I/O, memory, bus master, INTx disable; STATUS bits are not modelled.
            words[1] = (words[1] & 0xffff_0000) | (value & 0x0407)
        case 4...9:
            let slot = index - 4
            words[index] = (value & implemented[slot]) | flags[slot]
        default:
            break  // the rest of the header is read-only here
        }
    }

}
