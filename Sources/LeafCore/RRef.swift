/// An owned reference to a value in the shared heap. It cannot be copied; passing it as a
/// `consuming` argument of an interface method moves the object to the callee, passing it
/// `borrowing` lends it for the duration of the call. Every access is checked against the
/// object table: a reference that another domain owns, or whose object was dropped or
/// reclaimed, is refused with an `AccessError`, never read.
@frozen
public struct RRef<T: Exchangeable>: ~Copyable {
    public let id: ObjectID

    /// Allocates `value` in the shared heap, owned by the current domain.
    public init(_ value: T) throws(KernelError) {
        let (id, payload) = try Kernel.asKernel { () throws(KernelError) in try SharedHeap.allocate(.value(T.self)) }
        payload.storeBytes(of: value, as: T.self)
        self.id = id
    }

    /// Takes over an object by its ID (containers and generated proxies only).
    @_spi(Kernel) @inlinable public init(_adopting id: ObjectID) { self.init(adopting: id) }

    /// Gives up the reference without dropping the object (containers and generated proxies only).
    @_spi(Kernel) @inlinable public consuming func _relinquish() -> ObjectID { relinquish() }

    /// The same two, for the containers' inlinable methods (which cannot use SPI).
    @usableFromInline init(adopting id: ObjectID) { self.id = id }

    @inlinable consuming func relinquish() -> ObjectID {
        let id = self.id
        discard self
        return id
    }

    /// Dropping the reference drops the object, if it is still the current domain's.
    deinit {
        if Kernel.isBooted { Kernel.asKernel { Kernel.noteDropRefused(try? SharedHeap.drop(id)) } }
    }

    /// The value, if the current domain owns it (or a container holding it), or it is lent to it.
    /// Not a device access: a load the optimizer may merge with another or hoist out of a loop.
    /// Memory a device writes is read with `read(at:)` or a field accessor, which are ordered.
    @inlinable @inline(__always)
    public func read() throws(AccessError) -> T {
        try HeapAccess.payload(reading: id, type: T.exchangeableTypeID).load(as: T.self)
    }

    /// Replaces the value; only its owner may (a `borrowing` parameter cannot call this).
    @inlinable @inline(__always)
    public mutating func write(_ value: T) throws(AccessError) {
        try HeapAccess.payload(writing: id, type: T.exchangeableTypeID).storeBytes(of: value, as: T.self)
    }

    /// Updates the value; only its owner may. `body` works on a copy, never on the shared heap
    /// (it is the domain's code: it could drop or move the object while it runs), and the
    /// result is written back only if the object is still this domain's to write.
    @inline(__always)
    public mutating func update(_ body: (inout T) -> Void) throws(AccessError) {
        let id = self.id
        var value = try Kernel.asKernel { () throws(AccessError) -> T in
            let e = try SharedHeap.writable(id)
            try SharedHeap.checkType(e, id, T.exchangeableTypeID)
            return e.pointee.payload.unsafelyUnwrapped.load(as: T.self)
        }
        body(&value)
        try write(value)
    }
}

extension Kernel {
    nonisolated(unsafe) static var dropsRefused = 0

    /// Drops that a deinitializer could not carry out (a reference held outside its owner, or
    /// to an object already reclaimed); the object is left with its owner.
    public static var refusedDrops: Int { dropsRefused }

    static func noteDropRefused(_ done: Void?) {
        if done == nil { dropsRefused += 1 }
    }
}
