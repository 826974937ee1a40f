import LeafSDK

/// A device whose job is arithmetic: QEMU's teaching device `edu` computes factorials and
/// echoes the inverse of a value (its driver is `Sources/Domains/Edu`).
public protocol FactorialDevice: AnyObject {
    /// n! modulo 2^32, computed by the device.
    func factorial(_ n: UInt32) throws(RpcError) -> UInt32
    /// What the device's liveness register gives back for `value` (its bitwise inverse).
    func liveness(_ value: UInt32) throws(RpcError) -> UInt32
}

/// Reads a device's registers through the capability its domain was handed, if any (the
/// self-test's view of what a driver can and cannot reach).
public protocol DeviceProbe: AnyObject {
    /// The vendor ID (low 16 bits) and device ID (high 16 bits) of the function.
    func identity() throws(RpcError) -> UInt32
    /// A 32-bit read at `offset` of memory BAR `bar`.
    func read32(_ bar: Int, _ offset: Int) throws(RpcError) -> UInt32
    /// A 32-bit read at `offset` of I/O BAR `bar`.
    func in32(_ bar: Int, _ offset: Int) throws(RpcError) -> UInt32
}
