import CLeafKernel
@_spi(Kernel) import LeafDevices

/// The bare-metal back-end of the device layer's configuration space: PCI mechanism #1, ports
/// 0xCF8/0xCFC (PCI 3.0 §3.2.2.3.2), which reaches the 256 bytes of header and capabilities on
/// every bus. (ECAM would add the extended space; no driver here needs it yet.)
final class PortConfigSpace: ConfigSpace {
    let address: PCIAddress
    init(_ address: PCIAddress) { self.address = address }

    func selector(_ offset: Int) -> UInt32 {
        0x8000_0000 | UInt32(address.bus) << 16 | UInt32(address.device) << 11 | UInt32(address.function) << 8 | UInt32(offset & 0xfc)
    }

    func read32(_ offset: Int) -> UInt32 {
        let enabled = leaf_irq_save()
        defer { leaf_irq_restore(enabled) }
        leaf_outl(0xcf8, selector(offset))
        return leaf_inl(0xcfc)
    }

    func write32(_ offset: Int, _ value: UInt32) {
        let enabled = leaf_irq_save()
        defer { leaf_irq_restore(enabled) }
        leaf_outl(0xcf8, selector(offset))
        leaf_outl(0xcfc, value)
    }
}

/// The functions on the bus, as capabilities: every bus, device and function is probed (a
/// vendor ID of 0xFFFF means nothing is there) and each function's BARs are sized.
enum PCI {
    /// Device memory the kernel reaches: the identity map of the low 4 GiB (Main's paging).
    static let identityMapped: UInt64 = 1 << 32

    static func enumerate() -> [PCIFunction] {
        var found: [PCIFunction] = []
        for bus in 0...255 {
            for device in 0..<32 {
                let first = PortConfigSpace(PCIAddress(bus: UInt8(bus), device: UInt8(device), function: 0))
                guard first.read32(0x00) & 0xffff != 0xffff else { continue }
                let functions = (first.read32(0x0c) >> 16) & 0x80 != 0 ? 8 : 1
                for function in 0..<functions {
                    let config = PortConfigSpace(PCIAddress(bus: UInt8(bus), device: UInt8(device), function: UInt8(function)))
                    guard config.read32(0x00) & 0xffff != 0xffff else { continue }
                    found.append(PCIFunction(address: config.address, config: config, bars: BARSizing.bars(of: config), model: nil,
                                             clock: TSCClock.shared, mappedLimit: identityMapped))
                }
            }
        }
        return found
    }

    static func className(_ f: PCIFunction) -> String {
        switch (f.classCode, f.subclass) {
        case (0x01, 0x06): "SATA controller"
        case (0x01, 0x08): "NVMe controller"
        case (0x01, _): "storage controller"
        case (0x02, 0x00): "Ethernet controller"
        case (0x02, _): "network controller"
        case (0x03, _): "display controller"
        case (0x06, 0x00): "host bridge"
        case (0x06, 0x01): "ISA bridge"
        case (0x06, 0x04): "PCI bridge"
        case (0x06, _): "bridge"
        case (0x0c, 0x05): "SMBus controller"
        case (0x0c, 0x03): "USB controller"
        default: "class \(Console.hex(UInt64(f.classCode), digits: 2)).\(Console.hex(UInt64(f.subclass), digits: 2))"
        }
    }

    static func describe(_ f: PCIFunction) -> String {
        var line = "\(f.address) \(f.ids) \(className(f))"
        for bar in f.bars {
            let kind = switch bar.kind { case .io: "io"; case .memory32: "mem32"; case .memory64: "mem64" }
            line += "; BAR\(bar.index) \(kind) 0x\(Console.hex(bar.base)) \(size(bar.size))"
        }
        return line
    }

    static func size(_ bytes: UInt64) -> String {
        bytes >= 1 << 20 && bytes % (1 << 20) == 0 ? "\(bytes >> 20) MiB" : bytes >= 1024 && bytes % 1024 == 0 ? "\(bytes >> 10) KiB" : "\(bytes) B"
    }
}
