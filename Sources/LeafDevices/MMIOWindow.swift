internal import CLeafDevices

/// The registers behind one memory BAR, as a driver reaches them: volatile reads and writes of
/// 8, 16, 32 and 64 bits at an offset, each checked against the BAR's size and alignment first.
/// A bad access is an error to the driver; the device never sees it. On bare metal the access
/// goes to the BAR's physical address (identity-mapped, uncached); behind a model (the host's,
/// or one running in the kernel) it goes to the model.
public final class MMIOWindow {
    public let bar: Int
    public var size: Int { bounds.size }
    let bounds: WindowBounds
    let base: UInt64
    let model: (any DeviceRegisters)?

    @_spi(Kernel) public init(bar: Int, base: UInt64, size: Int, model: (any DeviceRegisters)?) {
        self.bar = bar
        self.base = base
        self.bounds = WindowBounds(size: size)
        self.model = model
    }

    public func read8(_ offset: Int) throws(DeviceError) -> UInt8 { UInt8(truncatingIfNeeded: try read(offset, width: 1)) }
    public func read16(_ offset: Int) throws(DeviceError) -> UInt16 { UInt16(truncatingIfNeeded: try read(offset, width: 2)) }
    public func read32(_ offset: Int) throws(DeviceError) -> UInt32 { UInt32(truncatingIfNeeded: try read(offset, width: 4)) }
    public func read64(_ offset: Int) throws(DeviceError) -> UInt64 { try read(offset, width: 8) }
    public func write8(_ offset: Int, _ value: UInt8) throws(DeviceError) { try write(offset, width: 1, UInt64(value)) }
    public func write16(_ offset: Int, _ value: UInt16) throws(DeviceError) { try write(offset, width: 2, UInt64(value)) }
    public func write32(_ offset: Int, _ value: UInt32) throws(DeviceError) { try write(offset, width: 4, UInt64(value)) }
    public func write64(_ offset: Int, _ value: UInt64) throws(DeviceError) { try write(offset, width: 8, value) }

    @inline(__always)
    func read(_ offset: Int, width: Int) throws(DeviceError) -> UInt64 {
        try bounds.check(offset, width: width)
        // Optional chaining borrows the model; `if let model` would copy it (a retain and a
        // release each access).
        if let value = try model?.read(bar: bar, offset: offset, width: width) { return value }
        let address = base &+ UInt64(offset)
        switch width {
        case 1: return UInt64(leaf_device_read8(address))
        case 2: return UInt64(leaf_device_read16(address))
        case 4: return UInt64(leaf_device_read32(address))
        default: return leaf_device_read64(address)
        }
    }

    @inline(__always)
    func write(_ offset: Int, width: Int, _ value: UInt64) throws(DeviceError) {
        try bounds.check(offset, width: width)
        if try model?.write(bar: bar, offset: offset, width: width, value: value) != nil { return }
        let address = base &+ UInt64(offset)
        switch width {
        case 1: leaf_device_write8(address, UInt8(truncatingIfNeeded: value))
        case 2: leaf_device_write16(address, UInt16(truncatingIfNeeded: value))
        case 4: leaf_device_write32(address, UInt32(truncatingIfNeeded: value))
        default: leaf_device_write64(address, value)
        }
    }
}
