/// The shared heap as device memory: a buffer a device reads or writes is an object's payload,
/// found for the device layer, which hands its address to the driver (no copy anywhere).
extension Kernel {
    /// The payload of `id`, for a device: the current domain must be able to write the object
    /// (own it, or the container at the root of its chain, with nothing of it lent) and `type`
    /// must be its type. A container's payload (element IDs) is never device memory.
    @_spi(Kernel) public static func devicePayload(_ id: ObjectID, type: UInt64) throws(AccessError) -> UnsafeMutableRawPointer {
        try asKernel { () throws(AccessError) in try SharedHeap.deviceWritable(id, type: type) }
    }

    /// The same for the element in slot `slot` of container `container` of type
    /// `containerType` (a buffer a driver keeps in its table of requests in flight), with the
    /// element's ID.
    @_spi(Kernel) public static func devicePayload(ofSlot slot: Int, in container: ObjectID, containerType: UInt64,
                                                   type: UInt64) throws(AccessError) -> (ObjectID, UnsafeMutableRawPointer) {
        try asKernel { () throws(AccessError) in
            let slots = try SharedHeap.checkedSlots(of: container, containerType, write: false)
            guard slot >= 0 && slot < slots.capacity && slots[slot] != .none else { throw .badSlot(container, slot) }
            let id = slots[slot]
            return (id, try SharedHeap.deviceWritable(id, type: type))
        }
    }

    /// Moves the front element of deque `deque` into the empty slot `slot` of array `array` (as
    /// `RRefArray.put(fromFrontOf:at:)`) and returns it, with its payload for a device (as
    /// `devicePayload(ofSlot:...)`), in one step: nil when the deque is empty. The move leaves
    /// the element writable by the current domain (held in an array it owns outright, neither
    /// lent) and of the array's element type, checked to be `type` (elements are never
    /// containers: `put` refuses them).
    @_spi(Kernel) public static func devicePayload(movingFrontOf deque: ObjectID, dequeType: UInt64, into array: ObjectID,
                                                   arrayType: UInt64, slot: Int,
                                                   type: UInt64) throws(AccessError) -> (ObjectID, UnsafeMutableRawPointer)? {
        try asKernel { () throws(AccessError) -> (ObjectID, UnsafeMutableRawPointer)? in
            guard let e = try SharedHeap.moveFront(of: deque, dequeType, into: array, arrayType, slot: slot, elementType: type)
            else { return nil }
            let id = ObjectID(index: UInt32(e - SharedHeap.entry(0)), generation: e.pointee.generation)
            return (id, e.pointee.payload.unsafelyUnwrapped)
        }
    }

    /// Whether `id` still names a live object (a back-end checking a device's access to memory
    /// it was given).
    @_spi(Kernel) public static func isLive(_ id: ObjectID) -> Bool {
        let k = kernelState
        guard Int(id.index) < k.pointee.configuration.objectCapacity else { return false }
        let e = SharedHeap.entry(id.index)
        return e.pointee.generation == id.generation && e.pointee.state != .free
    }
}

extension SharedHeap {
    /// The payload of `id` if the current domain may write it, it is of type `type` and it is
    /// not a container (whose payload, element IDs, is never device memory).
    @inline(__always)
    static func deviceWritable(_ id: ObjectID, type: UInt64) throws(AccessError) -> UnsafeMutableRawPointer {
        let e = try writable(id)
        guard e.pointee.type == type, !e.pointee.isContainer else { throw .typeMismatch(id) }
        return e.pointee.payload.unsafelyUnwrapped
    }
}
