internal import CLeafDevices

/// The ports of one I/O BAR (legacy virtio needs them): in and out of 8, 16 and 32 bits at an
/// offset within the BAR, checked like an MMIO window's accesses. No other port is reachable.
public final class PortWindow {
    public let bar: Int
    public var size: Int { bounds.size }
    let bounds: WindowBounds
    let base: UInt16
    let model: (any DeviceRegisters)?

    @_spi(Kernel) public init(bar: Int, base: UInt16, size: Int, model: (any DeviceRegisters)?) {
        self.bar = bar
        self.base = base
        self.bounds = WindowBounds(size: size)
        self.model = model
    }

    public func in8(_ offset: Int) throws(DeviceError) -> UInt8 { UInt8(truncatingIfNeeded: try input(offset, width: 1)) }
    public func in16(_ offset: Int) throws(DeviceError) -> UInt16 { UInt16(truncatingIfNeeded: try input(offset, width: 2)) }
    public func in32(_ offset: Int) throws(DeviceError) -> UInt32 { UInt32(truncatingIfNeeded: try input(offset, width: 4)) }
    public func out8(_ offset: Int, _ value: UInt8) throws(DeviceError) { try output(offset, width: 1, UInt32(value)) }
    public func out16(_ offset: Int, _ value: UInt16) throws(DeviceError) { try output(offset, width: 2, UInt32(value)) }
    public func out32(_ offset: Int, _ value: UInt32) throws(DeviceError) { try output(offset, width: 4, value) }

    func input(_ offset: Int, width: Int) throws(DeviceError) -> UInt32 {
        try bounds.check(offset, width: width)
        if let model { return UInt32(truncatingIfNeeded: try model.read(bar: bar, offset: offset, width: width)) }
        let port = base &+ UInt16(offset)
        switch width {
        case 1: return UInt32(leaf_device_in8(port))
        case 2: return UInt32(leaf_device_in16(port))
        default: return leaf_device_in32(port)
        }
    }

    func output(_ offset: Int, width: Int, _ value: UInt32) throws(DeviceError) {
        try bounds.check(offset, width: width)
        if let model { return try model.write(bar: bar, offset: offset, width: width, value: UInt64(value)) }
        let port = base &+ UInt16(offset)
        switch width {
        case 1: leaf_device_out8(port, UInt8(truncatingIfNeeded: value))
        case 2: leaf_device_out16(port, UInt16(truncatingIfNeeded: value))
        default: leaf_device_out32(port, value)
        }
    }
}
