/// Finds a function's BARs through its configuration space, the same way on every back-end
/// (PCI 3.0 §6.2.5.1): with decoding off, write all ones to each BAR, read back which address
/// bits it implements, restore it, and turn decoding back on as it was.
@_spi(Kernel) public enum BARSizing {
    public static func bars(of config: any ConfigSpace) -> [BAR] {
        let headerType = (config.read32(0x0c) >> 16) & 0x7f
        let slots = headerType == 0 ? 6 : headerType == 1 ? 2 : 0
        let command = config.read32(0x04) & 0xffff
        config.write32(0x04, command & ~0x3)
        defer { config.write32(0x04, command) }
        var found: [BAR] = []
        var slot = 0
        while slot < slots {
            let offset = 0x10 + 4 * slot
            let original = config.read32(offset)
            let implemented = probe(config, offset, original)
            if original & 1 == 1 {
                // I/O: bits 31:2 (only the low 16 decode on x86).
                // A size that does not fit in the 64 Ki ports (0 after the mask) is no BAR.
                let mask = implemented & 0xffff_fffc
                let size = UInt64((~mask | 0xffff_0000) &+ 1) & 0xffff
                if mask != 0 && size != 0 {
                    found.append(BAR(index: slot, kind: .io, base: UInt64(original & 0xfffc), size: size, prefetchable: false))
                }
                slot += 1
                continue
            }
            let prefetchable = original & 0x8 != 0
            if (original >> 1) & 0x3 == 0x2 && slot + 1 < slots {
                let originalHigh = config.read32(offset + 4)
                let implementedHigh = probe(config, offset + 4, originalHigh)
                // A BAR smaller than 4 GiB implements every upper bit; one that claims none is
                // taken to decode below 4 GiB only (its size must not wrap).
                let high = implementedHigh == 0 ? 0xffff_ffff : implementedHigh
                let mask = UInt64(high) << 32 | UInt64(implemented & 0xffff_fff0)
                if mask != 0 {
                    found.append(BAR(index: slot, kind: .memory64, base: UInt64(originalHigh) << 32 | UInt64(original & 0xffff_fff0),
                                     size: ~mask &+ 1, prefetchable: prefetchable))
                }
                slot += 2
            } else {
                let mask = implemented & 0xffff_fff0
                if mask != 0 {
                    found.append(BAR(index: slot, kind: .memory32, base: UInt64(original & 0xffff_fff0),
                                     size: UInt64(~mask &+ 1), prefetchable: prefetchable))
                }
                slot += 1
            }
        }
        return found
    }

    /// Which bits of the BAR at `offset` are implemented; leaves it as it was.
    static func probe(_ config: any ConfigSpace, _ offset: Int, _ original: UInt32) -> UInt32 {
        config.write32(offset, 0xffff_ffff)
        let implemented = config.read32(offset)
        config.write32(offset, original)
        return implemented
    }
}
