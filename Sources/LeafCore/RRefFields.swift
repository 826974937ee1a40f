/// A field of an exchangeable struct, named by its type and byte offset: the way to read or
/// write one field of a large payload in place (a request's LBA and status beside its 4 KiB
/// block) without copying the rest. Embedded Swift has no key paths, so the interface that
/// declares the struct declares its fields' offsets, and its host tests compare them with
/// `MemoryLayout.offset(of:)`. A wrong offset can only misread the payload's own bytes: both
/// types are plain data with no invalid bit patterns, and the field is checked to lie within
/// the struct, aligned, when it is made.
@frozen
public struct ExchangeableField<Root: Exchangeable, Value: Exchangeable>: BitwiseCopyable {
    public let offset: Int

    @inlinable
    public init(offset: Int) {
        precondition(offset >= 0 && offset % MemoryLayout<Value>.alignment == 0
                     && offset <= MemoryLayout<Root>.size - MemoryLayout<Value>.size,
                     "an exchangeable field lies within its struct and is aligned")
        self.offset = offset
    }
}

extension RRef {
    /// One field of the value, if the current domain may read it (as `read()`); a fresh load,
    /// so a device's write to the payload since is seen.
    @inlinable @inline(__always)
    public func read<Value: Exchangeable>(_ field: ExchangeableField<T, Value>) throws(AccessError) -> Value {
        let payload = try HeapAccess.payload(reading: id, type: T.exchangeableTypeID)
        HeapAccess.deviceOrder()
        return payload.load(fromByteOffset: field.offset, as: Value.self)
    }

    /// Replaces one field of the value; only its owner may (as `write(_:)`).
    @inlinable @inline(__always)
    public mutating func write<Value: Exchangeable>(_ value: Value, to field: ExchangeableField<T, Value>) throws(AccessError) {
        try HeapAccess.payload(writing: id, type: T.exchangeableTypeID).storeBytes(of: value, toByteOffset: field.offset, as: Value.self)
        HeapAccess.deviceOrder()
    }
}
