@_spi(Kernel) import LeafCore

/// Where a back-end learns which memory a function's device was given.
@_spi(Kernel) public protocol DeviceMemoryMap: AnyObject {
    func map(_ id: ObjectID, address: UInt64, size: Int)
}

extension PCIFunction {
    /// The device address of `buffer`'s payload: the memory itself, for the device to read or
    /// write (no copy, in the driver or anywhere). The driver's domain must be able to write
    /// the buffer: own it, or the container at the root of its chain, with nothing of it lent.
    /// Payloads of 2 KiB and more start on a page and are contiguous (4 KiB blocks, 2 KiB
    /// frames, rings). On bare metal it is the physical address.
    @inlinable @inline(__always)
    public func deviceAddress<T: Exchangeable>(of buffer: borrowing RRef<T>) throws(DeviceError) -> UInt64 {
        try deviceAddress(of: buffer.id, type: T.exchangeableTypeID, size: MemoryLayout<T>.size)
    }

    /// The non-generic part, one direct call from a driver's specialized hot path.
    @usableFromInline
    func deviceAddress(of id: ObjectID, type: UInt64, size: Int) throws(DeviceError) -> UInt64 {
        let payload: UnsafeMutableRawPointer
        do { payload = try Kernel.devicePayload(id, type: type) } catch { throw .notDeviceMemory(error) }
        let address = UInt64(UInt(bitPattern: payload))
        memory?.map(id, address: address, size: size)
        return address
    }
}
