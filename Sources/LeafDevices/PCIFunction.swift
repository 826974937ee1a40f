/// Where a function sits on the bus.
public struct PCIAddress: Equatable, Hashable, Sendable, CustomStringConvertible {
    public let bus: UInt8, device: UInt8, function: UInt8
    public init(bus: UInt8, device: UInt8, function: UInt8) {
        self.bus = bus
        self.device = device
        self.function = function
    }
    public var description: String { "\(hex(UInt64(bus), digits: 2)):\(hex(UInt64(device), digits: 2)).\(function)" }
}

/// `value` in lower-case hexadecimal, `digits` wide (the way PCI IDs and addresses are written).
func hex(_ value: UInt64, digits: Int) -> String {
    let symbols = Array("0123456789abcdef")
    return String((0..<digits).reversed().map { symbols[Int((value >> (4 * UInt64($0))) & 0xf)] })
}

/// An entry of the function's capability list (PCI 3.0 §6.7): its ID (0x09 vendor-specific,
/// 0x10 PCI Express, 0x11 MSI-X, ...) and its offset in configuration space.
public struct PCICapability: Equatable, Sendable {
    public let id: UInt8
    public let offset: Int
}

/// A PCI function as a capability: what a driver domain is handed for a device the manifest
/// assigns it, and its only way to reach that device. Through it the driver reads the
/// function's identity, BARs and configuration space (read-only: the BARs cannot be moved), turns
/// decoding and bus mastering on or off, and gets windows on its BARs. Only the kernel makes one.
public final class PCIFunction {
    public let address: PCIAddress
    public let vendorID: UInt16
    public let deviceID: UInt16
    public let revision: UInt8
    public let classCode: UInt8
    public let subclass: UInt8
    public let progIF: UInt8
    /// "vendor:device", as lspci writes it.
    public var ids: String { "\(hex(UInt64(vendorID), digits: 4)):\(hex(UInt64(deviceID), digits: 4))" }
    /// The BARs that exist (a 64-bit BAR takes two slots and is listed once, by its first).
    public let bars: [BAR]
    let config: any ConfigSpace
    let model: (any DeviceRegisters)?
    /// The end of the physical addresses the back-end maps for MMIO (bare metal: the identity
    /// map's 4 GiB); a memory BAR beyond it gets no window.
    let mappedLimit: UInt64
    /// Told of every buffer the driver gives the device (the host bus checks a model's memory
    /// accesses against them, as an IOMMU would); nil on bare metal, which has no IOMMU here.
    let memory: (any DeviceMemoryMap)?
    let clock: any DeviceClock

    /// COMMAND register bits (PCI 3.0 §6.2.2).
    public struct Command: OptionSet, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let ioSpace = Command(rawValue: 1 << 0)
        public static let memorySpace = Command(rawValue: 1 << 1)
        public static let busMastering = Command(rawValue: 1 << 2)
        public static let interruptsDisabled = Command(rawValue: 1 << 10)
    }

    /// Reads the function's identity from `config`; `bars` are what the back-end sized.
    @_spi(Kernel) public init(address: PCIAddress, config: any ConfigSpace, bars: [BAR], model: (any DeviceRegisters)?,
                              clock: any DeviceClock, mappedLimit: UInt64 = .max, memory: (any DeviceMemoryMap)? = nil) {
        self.memory = memory
        self.clock = clock
        self.address = address
        self.config = config
        self.bars = bars
        self.model = model
        self.mappedLimit = mappedLimit
        let id = config.read32(0x00), classWord = config.read32(0x08)
        vendorID = UInt16(truncatingIfNeeded: id)
        deviceID = UInt16(truncatingIfNeeded: id >> 16)
        revision = UInt8(truncatingIfNeeded: classWord)
        progIF = UInt8(truncatingIfNeeded: classWord >> 8)
        subclass = UInt8(truncatingIfNeeded: classWord >> 16)
        classCode = UInt8(truncatingIfNeeded: classWord >> 24)
    }

    /// A 32-bit word of the header or the capabilities (offsets 0..<256, a multiple of 4).
    public func readConfig32(_ offset: Int) throws(DeviceError) -> UInt32 {
        guard offset >= 0, offset < 256, offset & 3 == 0 else { throw .badConfigOffset(offset) }
        return config.read32(offset)
    }

    /// A byte of the header or the capabilities.
    public func readConfig8(_ offset: Int) throws(DeviceError) -> UInt8 {
        guard offset >= 0, offset < 256 else { throw .badConfigOffset(offset) }
        return UInt8(truncatingIfNeeded: config.read32(offset & ~3) >> (8 * UInt32(offset & 3)))
    }

    /// The capability list, in list order, if STATUS says there is one (at most 48 entries: a
    /// looping list ends there).
    public var capabilities: [PCICapability] {
        guard config.read32(0x04) & (1 << 20) != 0 else { return [] }
        var found: [PCICapability] = []
        var next = Int(config.read32(0x34) & 0xfc)
        while next >= 0x40 && found.count < 48 {
            let word = config.read32(next)
            found.append(PCICapability(id: UInt8(truncatingIfNeeded: word), offset: next))
            next = Int((word >> 8) & 0xfc)
        }
        return found
    }

    /// Microseconds since an arbitrary start, for the timeouts a datasheet gives (NVMe CAP.TO):
    /// real time on bare metal; behind a model, the model's virtual time.
    public var microseconds: UInt64 { clock.microseconds }

    /// Waits `microseconds` without an access to this or any device (`DeviceClock.delay`).
    public func delay(microseconds: UInt64) { clock.delay(microseconds: microseconds) }

    public var command: Command { Command(rawValue: UInt16(truncatingIfNeeded: config.read32(0x04))) }

    /// Sets the given COMMAND bits and leaves the others as they are (a write that cleared bus
    /// mastering by accident would stop a virtio device).
    public func enable(_ bits: Command) { setCommand(command.union(bits)) }

    /// Clears the given COMMAND bits and leaves the others as they are.
    public func disable(_ bits: Command) { setCommand(command.subtracting(bits)) }

    func setCommand(_ command: Command) {
        // The upper half is STATUS, whose error bits clear when written with 1: write zeros there.
        config.write32(0x04, UInt32(command.rawValue))
    }

    /// A window on memory BAR `index`.
    public func mmio(bar index: Int) throws(DeviceError) -> MMIOWindow {
        let bar = try self.bar(index)
        guard bar.isMemory else { throw .wrongKindOfBAR(index) }
        // Base 0 is a BAR firmware never assigned (a window there would be on low RAM).
        guard bar.base != 0, model != nil || (bar.base <= mappedLimit && bar.size <= mappedLimit - bar.base) else { throw .notMapped(index) }
        return MMIOWindow(bar: index, base: bar.base, size: Int(bar.size), model: model)
    }

    /// The ports of I/O BAR `index`.
    public func ports(bar index: Int) throws(DeviceError) -> PortWindow {
        let bar = try self.bar(index)
        guard bar.kind == .io else { throw .wrongKindOfBAR(index) }
        // Port 0 up is the legacy DMA controller and the PIC: an unassigned I/O BAR reaches nothing.
        guard bar.base != 0 else { throw .notMapped(index) }
        return PortWindow(bar: index, base: UInt16(truncatingIfNeeded: bar.base), size: Int(bar.size), model: model)
    }

    public func bar(_ index: Int) throws(DeviceError) -> BAR {
        guard let bar = bars.first(where: { $0.index == index }) else { throw .noSuchBAR(index) }
        return bar
    }
}
