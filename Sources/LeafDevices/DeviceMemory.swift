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

    /// The device address of the buffer in slot `slot` of `table` (a request kept in the
    /// driver's table while the device transfers to or from it), on the same terms.
    @inlinable @inline(__always)
    public func deviceAddress<T: Exchangeable, let N: Int>(ofSlot slot: Int, in table: borrowing RRefArray<T, N>) throws(DeviceError) -> UInt64 {
        try deviceAddress(ofSlot: slot, in: table.id, tableType: RRefArray<T, N>.typeID, type: T.exchangeableTypeID,
                          size: MemoryLayout<T>.size)
    }

    /// Moves the front element of `queue` into the empty slot `slot` of `table` (as
    /// `table.put(fromFrontOf:at:reading:)`) and gives its buffer to the device (as
    /// `deviceAddress(ofSlot:in:)`), in one step: a driver taking the next request of a batch
    /// into its table of requests in flight. The buffer's device address and the field read, or
    /// nil when the queue is empty; when refused, nothing has moved.
    @inlinable @inline(__always)
    public func deviceAddress<T: Exchangeable, let M: Int, let N: Int, Value: Exchangeable>(
        movingFrontOf queue: inout RRefDeque<T, M>, into table: inout RRefArray<T, N>, at slot: Int,
        reading field: ExchangeableField<T, Value>
    ) throws(DeviceError) -> (address: UInt64, value: Value)? {
        guard let payload = try devicePayload(movingFrontOf: queue.id, queueType: RRefDeque<T, M>.typeID, into: table.id,
                                              tableType: RRefArray<T, N>.typeID, slot: slot, type: T.exchangeableTypeID,
                                              size: MemoryLayout<T>.size)
        else { return nil }
        return (UInt64(UInt(bitPattern: payload)), payload.load(fromByteOffset: field.offset, as: Value.self))
    }

    /// The non-generic parts, one direct call each from a driver's specialized hot path.
    @usableFromInline
    func deviceAddress(of id: ObjectID, type: UInt64, size: Int) throws(DeviceError) -> UInt64 {
        let payload: UnsafeMutableRawPointer
        do { payload = try Kernel.devicePayload(id, type: type) } catch { throw .notDeviceMemory(error) }
        return mapped(id, payload, size: size)
    }

    @usableFromInline
    func deviceAddress(ofSlot slot: Int, in table: ObjectID, tableType: UInt64, type: UInt64, size: Int) throws(DeviceError) -> UInt64 {
        let found: (ObjectID, UnsafeMutableRawPointer)
        do { found = try Kernel.devicePayload(ofSlot: slot, in: table, containerType: tableType, type: type) } catch {
            throw .notDeviceMemory(error)
        }
        return mapped(found.0, found.1, size: size)
    }

    /// The payload moved, which the device was given (its address is the device address).
    @usableFromInline
    func devicePayload(movingFrontOf queue: ObjectID, queueType: UInt64, into table: ObjectID, tableType: UInt64, slot: Int,
                       type: UInt64, size: Int) throws(DeviceError) -> UnsafeMutableRawPointer? {
        let found: (ObjectID, UnsafeMutableRawPointer)?
        do {
            found = try Kernel.devicePayload(movingFrontOf: queue, dequeType: queueType, into: table, arrayType: tableType,
                                             slot: slot, type: type)
        } catch { throw .notDeviceMemory(error) }
        guard let found else { return nil }
        _ = mapped(found.0, found.1, size: size)
        return found.1
    }

    /// The address of `payload`, object `id`'s, once the back-end knows the device was given it.
    @inline(__always)
    func mapped(_ id: ObjectID, _ payload: UnsafeMutableRawPointer, size: Int) -> UInt64 {
        let address = UInt64(UInt(bitPattern: payload))
        memory?.map(id, address: address, size: size)
        return address
    }
}
