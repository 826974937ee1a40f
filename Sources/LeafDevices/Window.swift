/// The bounds every register access is checked against before it happens: inside the window,
/// and naturally aligned (PCI devices, and QEMU's models, answer only aligned accesses).
@usableFromInline struct WindowBounds: Sendable {
    @usableFromInline let size: Int

    @usableFromInline init(size: Int) { self.size = size }

    @inlinable @inline(__always)
    func check(_ offset: Int, width: Int) throws(DeviceError) {
        guard offset >= 0, width <= size, offset <= size &- width else {
            throw .outOfRange(offset: offset, width: width, size: size)
        }
        guard offset & (width &- 1) == 0 else { throw .misaligned(offset: offset, width: width) }
    }
}
