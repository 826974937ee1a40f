/// Bytes copied between payloads in place: a file system's block cache and the buffers a read
/// or write moves, where a field accessor would copy a whole block through the stack and a
/// byte range starts and ends anywhere. Exchangeable payloads are plain data with no invalid
/// bit patterns, so any bytes are a valid value of the destination's type; each end is checked
/// by its own access rules (the source as a read, the destination as a write) and the range
/// against its payload's size. The two may be the same object (a memmove).
extension HeapAccess {
    @usableFromInline
    static func copyBytes(_ count: Int, from source: UnsafeMutableRawPointer, size sourceSize: Int, at sourceOffset: Int,
                          of sourceID: ObjectID, to destination: UnsafeMutableRawPointer, size destinationSize: Int,
                          at destinationOffset: Int, of destinationID: ObjectID) throws(AccessError) {
        guard count >= 0, sourceOffset >= 0, sourceOffset <= sourceSize - count else {
            throw .badElement(sourceID, sourceOffset)
        }
        guard destinationOffset >= 0, destinationOffset <= destinationSize - count else {
            throw .badElement(destinationID, destinationOffset)
        }
        // UnsafeMutableRawPointer.copyMemory is a memmove: the ranges may overlap.
        (destination + destinationOffset).copyMemory(from: source + sourceOffset, byteCount: count)
    }

    @usableFromInline
    static func fillBytes(_ count: Int, with byte: UInt8, in payload: UnsafeMutableRawPointer, size: Int, at offset: Int,
                          of id: ObjectID) throws(AccessError) {
        guard count >= 0, offset >= 0, offset <= size - count else { throw .badElement(id, offset) }
        (payload + offset).initializeMemory(as: UInt8.self, repeating: byte, count: count)
    }
}

extension RRefArray {
    /// Copies `count` bytes of the element in `slot`, from its byte `offset`, into
    /// `destination`'s payload at `destinationOffset`.
    @inlinable
    public func copyBytes<U: Exchangeable>(_ count: Int, at slot: Int, from offset: Int, into destination: inout RRef<U>,
                                           at destinationOffset: Int) throws(AccessError) {
        let source = try HeapAccess.elementPayload(id, type: Self.typeID, slot: slot, fromFront: false, writing: false)
        let target = try HeapAccess.payload(writing: destination.id, type: U.exchangeableTypeID)
        try HeapAccess.copyBytes(count, from: source, size: MemoryLayout<T>.size, at: offset, of: id,
                                 to: target, size: MemoryLayout<U>.size, at: destinationOffset, of: destination.id)
    }

    /// Copies `count` bytes of `source`'s payload, from its byte `sourceOffset`, into the element
    /// in `slot` at its byte `offset`.
    @inlinable
    public mutating func copyBytes<U: Exchangeable>(_ count: Int, from source: borrowing RRef<U>, at sourceOffset: Int,
                                                    into slot: Int, at offset: Int) throws(AccessError) {
        let from = try HeapAccess.payload(reading: source.id, type: U.exchangeableTypeID)
        let target = try HeapAccess.elementPayload(id, type: Self.typeID, slot: slot, fromFront: false, writing: true)
        try HeapAccess.copyBytes(count, from: from, size: MemoryLayout<U>.size, at: sourceOffset, of: source.id,
                                 to: target, size: MemoryLayout<T>.size, at: offset, of: id)
    }

    /// Copies `count` bytes from one element to another (or within one).
    @inlinable
    public mutating func copyBytes(_ count: Int, at sourceSlot: Int, from sourceOffset: Int, into slot: Int,
                                   at offset: Int) throws(AccessError) {
        let from = try HeapAccess.elementPayload(id, type: Self.typeID, slot: sourceSlot, fromFront: false, writing: false)
        let target = try HeapAccess.elementPayload(id, type: Self.typeID, slot: slot, fromFront: false, writing: true)
        try HeapAccess.copyBytes(count, from: from, size: MemoryLayout<T>.size, at: sourceOffset, of: id,
                                 to: target, size: MemoryLayout<T>.size, at: offset, of: id)
    }

    /// Sets `count` bytes of the element in `slot`, from its byte `offset`, to `byte`.
    @inlinable
    public mutating func fillBytes(_ count: Int, with byte: UInt8, in slot: Int, at offset: Int) throws(AccessError) {
        let target = try HeapAccess.elementPayload(id, type: Self.typeID, slot: slot, fromFront: false, writing: true)
        try HeapAccess.fillBytes(count, with: byte, in: target, size: MemoryLayout<T>.size, at: offset, of: id)
    }
}

extension RRef {
    /// Sets `count` bytes of the payload, from its byte `offset`, to `byte`; only its owner may.
    @inlinable
    public mutating func fillBytes(_ count: Int, with byte: UInt8, at offset: Int) throws(AccessError) {
        let target = try HeapAccess.payload(writing: id, type: T.exchangeableTypeID)
        try HeapAccess.fillBytes(count, with: byte, in: target, size: MemoryLayout<T>.size, at: offset, of: id)
    }
}

extension RRef {
    /// Copies `count` bytes of the payload, from its byte `offset`, into `destination`'s payload
    /// at `destinationOffset` (a pipe's ring and the buffers its reads and writes move).
    @inlinable
    public func copyBytes<U: Exchangeable>(_ count: Int, from offset: Int, into destination: inout RRef<U>,
                                           at destinationOffset: Int) throws(AccessError) {
        let source = try HeapAccess.payload(reading: id, type: T.exchangeableTypeID)
        let target = try HeapAccess.payload(writing: destination.id, type: U.exchangeableTypeID)
        try HeapAccess.copyBytes(count, from: source, size: MemoryLayout<T>.size, at: offset, of: id,
                                 to: target, size: MemoryLayout<U>.size, at: destinationOffset, of: destination.id)
    }
}
