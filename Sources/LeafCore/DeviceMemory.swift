/// The shared heap as device memory: a buffer a device reads or writes is an object's payload,
/// found for the device layer, which hands its address to the driver (no copy anywhere).
extension Kernel {
    /// The payload of `id`, for a device: the current domain must be able to write the object
    /// (own it, or the container at the root of its chain, with nothing of it lent) and `type`
    /// must be its type. A container's payload (element IDs) is never device memory.
    @_spi(Kernel) public static func devicePayload(_ id: ObjectID, type: UInt64) throws(AccessError) -> UnsafeMutableRawPointer {
        try asKernel { () throws(AccessError) in
            let e = try SharedHeap.writable(id)
            guard e.pointee.type == type, !e.pointee.isContainer else { throw .typeMismatch(id) }
            return e.pointee.payload.unsafelyUnwrapped
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
