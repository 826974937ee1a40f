import CLeafKernel

/// PCI configuration space through mechanism #1 (ports 0xCF8/0xCFC): every bus, device and
/// function is probed; a vendor ID of 0xFFFF means nothing is there.
enum PCI {
    struct Device {
        var bus: UInt8, device: UInt8, function: UInt8
        var vendor: UInt16, deviceID: UInt16
        var classCode: UInt8, subclass: UInt8, progIF: UInt8
        var headerType: UInt8
    }

    static func read32(_ bus: UInt8, _ device: UInt8, _ function: UInt8, _ offset: UInt8) -> UInt32 {
        let address: UInt32 = 0x8000_0000 | UInt32(bus) << 16 | UInt32(device) << 11 | UInt32(function) << 8 | UInt32(offset & 0xfc)
        leaf_outl(0xcf8, address)
        return leaf_inl(0xcfc)
    }

    static func enumerate() -> [Device] {
        var found: [Device] = []
        for bus in 0...255 {
            for device in 0..<32 {
                let id = read32(UInt8(bus), UInt8(device), 0, 0)
                guard id & 0xffff != 0xffff else { continue }
                let header = UInt8((read32(UInt8(bus), UInt8(device), 0, 0x0c) >> 16) & 0xff)
                let functions = header & 0x80 != 0 ? 8 : 1
                for function in 0..<functions {
                    let idf = read32(UInt8(bus), UInt8(device), UInt8(function), 0)
                    guard idf & 0xffff != 0xffff else { continue }
                    let cls = read32(UInt8(bus), UInt8(device), UInt8(function), 0x08)
                    let hdr = UInt8((read32(UInt8(bus), UInt8(device), UInt8(function), 0x0c) >> 16) & 0x7f)
                    found.append(Device(bus: UInt8(bus), device: UInt8(device), function: UInt8(function),
                                        vendor: UInt16(idf & 0xffff), deviceID: UInt16(idf >> 16),
                                        classCode: UInt8(cls >> 24), subclass: UInt8((cls >> 16) & 0xff),
                                        progIF: UInt8((cls >> 8) & 0xff), headerType: hdr))
                }
            }
        }
        return found
    }

    static func className(_ d: Device) -> String {
        switch (d.classCode, d.subclass) {
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
        default: "class \(Console.hex(UInt64(d.classCode), digits: 2)).\(Console.hex(UInt64(d.subclass), digits: 2))"
        }
    }

    static func describe(_ d: Device) -> String {
        "\(Console.hex(UInt64(d.bus), digits: 2)):\(Console.hex(UInt64(d.device), digits: 2)).\(d.function) "
            + "\(Console.hex(UInt64(d.vendor), digits: 4)):\(Console.hex(UInt64(d.deviceID), digits: 4)) \(className(d))"
    }
}
