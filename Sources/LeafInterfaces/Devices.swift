import LeafSDK

/// QEMU's teaching device `edu`: it computes factorials, echoes the inverse of a value, and
/// copies by DMA through a buffer of its own (its driver is `Sources/Domains/Edu`).
public protocol EduDevice: AnyObject {
    /// n! modulo 2^32, computed by the device.
    func factorial(_ n: UInt32) throws(RpcError) -> UInt32
    /// What the device's liveness register gives back for `value` (its bitwise inverse).
    func liveness(_ value: UInt32) throws(RpcError) -> UInt32
    /// `block` (2 KiB) copied by the device's DMA into its buffer and back out into a new block:
    /// the device reads and writes the blocks' own memory.
    func copyThroughDevice(_ block: consuming RRef<InlineArray<2048, UInt8>>) throws(RpcError) -> RRef<InlineArray<2048, UInt8>>
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
