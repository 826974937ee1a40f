import LeafInterfaces
import LeafSDK

/// A domain that reads registers through the one PCI function it was handed, or fails to: what
/// a domain can reach of a device is exactly what its capability allows.
public final class DeviceProbeDomain: DeviceProbe {
    let function: PCIFunction?

    public init(function: PCIFunction?) { self.function = function }

    public func identity() throws(RpcError) -> UInt32 {
        guard let function else { throw .noDevice }
        return UInt32(function.vendorID) | UInt32(function.deviceID) << 16
    }

    public func read32(_ bar: Int, _ offset: Int) throws(RpcError) -> UInt32 {
        guard let function else { throw .noDevice }
        do {
            let window = try function.mmio(bar: bar)
            function.enable(.memorySpace)
            return try window.read32(offset)
        } catch { throw .deviceFailed }
    }

    public func in32(_ bar: Int, _ offset: Int) throws(RpcError) -> UInt32 {
        guard let function else { throw .noDevice }
        do {
            let ports = try function.ports(bar: bar)
            function.enable(.ioSpace)
            return try ports.in32(offset)
        } catch { throw .deviceFailed }
    }
}
