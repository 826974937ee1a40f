import LeafCore

/// A device access a capability refused: the driver gets this error, the device sees nothing.
public enum DeviceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The function has no BAR of that index (0...5), or it is the high half of a 64-bit one.
    case noSuchBAR(Int)
    /// The BAR is of the other kind (an MMIO window asked of an I/O BAR, or ports of a memory BAR).
    case wrongKindOfBAR(Int)
    /// An access of `width` bytes at `offset` does not lie within the window's `size` bytes.
    case outOfRange(offset: Int, width: Int, size: Int)
    /// An access of `width` bytes at an offset that is not a multiple of `width`.
    case misaligned(offset: Int, width: Int)
    /// The BAR lies where the kernel does not map device memory (above the identity map), or
    /// firmware never assigned it (base 0).
    case notMapped(Int)
    /// A configuration-space read past the 256 bytes a function exposes, or not aligned.
    case badConfigOffset(Int)
    /// The buffer cannot be device memory for this driver: the domain cannot write it (not its
    /// own, or lent), it is a container, or the reference is stale or of the wrong type.
    case notDeviceMemory(AccessError)
    /// The model behind the window refused the access (a host model told to fail).
    case deviceFailed(String)

    public var description: String {
        switch self {
        case .noSuchBAR(let i): "BAR \(i) does not exist"
        case .wrongKindOfBAR(let i): "BAR \(i) is of the other kind (memory versus I/O)"
        case .outOfRange(let offset, let width, let size): "a \(width)-byte access at offset \(offset) is outside the window's \(size) bytes"
        case .misaligned(let offset, let width): "a \(width)-byte access at offset \(offset) is not aligned"
        case .notMapped(let i): "BAR \(i) lies outside the memory the kernel maps for devices, or was never assigned"
        case .badConfigOffset(let offset): "configuration offset \(offset) is outside the header and capabilities (0..<256) or not aligned"
        case .notDeviceMemory(let why): "not device memory for this driver: \(why)"
        case .deviceFailed(let why): "the device failed: \(why)"
        }
    }
}
