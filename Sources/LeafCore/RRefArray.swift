/// A fixed array of `N` slots in the shared heap, each empty or holding an `RRef<T>` object.
/// Held elements belong to the array: they move with it across domains and are reclaimed with it.
@frozen
public struct RRefArray<T: Exchangeable, let N: Int>: ~Copyable {
    public let id: ObjectID

    /// Its own identity ("LeafCore.RRefArray" with the element type and capacity), a constant
    /// once specialized.
    @inlinable public static var typeID: UInt64 { composedTypeID(0x92f4_167a_3fc1_d394, T.exchangeableTypeID, N) }
    static var payloadType: PayloadType { .container(typeID, of: T.self, capacity: N) }

    /// An empty array owned by the current domain.
    public init() throws(KernelError) {
        self.id = try SharedHeap.allocateContainer(Self.payloadType, capacity: N)
    }

    @_spi(Kernel) @inlinable public init(_adopting id: ObjectID) { self.id = id }

    @_spi(Kernel) @inlinable public consuming func _relinquish() -> ObjectID {
        let id = self.id
        discard self
        return id
    }

    deinit {
        if Kernel.isBooted { Kernel.asKernel { Kernel.noteDropRefused(try? SharedHeap.drop(id)) } }
    }

    public var capacity: Int { N }

    func slots(write: Bool) throws(AccessError) -> ContainerLayout {
        try SharedHeap.slots(of: id, Self.typeID, write: write)
    }

    /// Throws why `put(_:at:)` would refuse slot `slot`, or returns when it would succeed.
    public func checkPut(at slot: Int) throws(AccessError) {
        let s = try slots(write: true)
        guard slot >= 0 && slot < N && s[slot] == .none else { throw .badSlot(id, slot) }
    }

    /// Stores `element` in an empty slot. Returns nil when stored; when refused (slot out of
    /// range or occupied, array or element not the current domain's) the element comes back
    /// untouched, and `checkPut(at:)` says why.
    @inlinable @inline(__always)
    public mutating func put(_ element: consuming RRef<T>, at slot: Int) -> RRef<T>? {
        do throws(AccessError) { try HeapAccess.put(element.id, into: id, type: Self.typeID, slot: slot) } catch { return element }
        _ = element.relinquish()
        return nil
    }

    /// Takes the element out of a slot; it becomes the current domain's.
    @inlinable @inline(__always)
    public mutating func take(at slot: Int) throws(AccessError) -> RRef<T> {
        RRef(adopting: try HeapAccess.take(from: id, type: Self.typeID, slot: slot))
    }

    /// Moves the front element of `deque` into the empty slot `slot`, in one step: what
    /// `deque.pop()` then `put(_:at:)` would do, at the cost of one of them (the element stays
    /// held, so no owner or count changes). Returns false when the deque is empty; throws,
    /// changing nothing, when the slot is out of range or occupied, a container is not the
    /// current domain's outright or is lent, or the element is lent.
    @inlinable @inline(__always) @discardableResult
    public mutating func put<let M: Int>(fromFrontOf deque: inout RRefDeque<T, M>, at slot: Int) throws(AccessError) -> Bool {
        try HeapAccess.moveFront(of: deque.id, type: RRefDeque<T, M>.typeID, into: id, type: Self.typeID, slot: slot) != nil
    }

    /// The same, reading one field of the element as it moves (a request's header as the
    /// driver takes it in): the field's value, or nil when the deque is empty.
    @inlinable @inline(__always)
    public mutating func put<let M: Int, Value: Exchangeable>(fromFrontOf deque: inout RRefDeque<T, M>, at slot: Int,
                                                             reading field: ExchangeableField<T, Value>) throws(AccessError) -> Value? {
        let payload = try HeapAccess.moveFront(of: deque.id, type: RRefDeque<T, M>.typeID, into: id, type: Self.typeID, slot: slot)
        return payload?.load(fromByteOffset: field.offset, as: Value.self)
    }

    public func isOccupied(_ slot: Int) throws(AccessError) -> Bool {
        let s = try slots(write: false)
        guard slot >= 0 && slot < N else { throw .badSlot(id, slot) }
        return s[slot] != .none
    }

    /// The value of the element in a slot.
    public func read(at slot: Int) throws(AccessError) -> T {
        let s = try slots(write: false)
        guard slot >= 0 && slot < N && s[slot] != .none else { throw .badSlot(id, slot) }
        let element = s[slot]
        return try Kernel.asKernel { () throws(AccessError) -> T in
            let e = SharedHeap.entry(element.index)
            try SharedHeap.checkType(e, element, T.exchangeableTypeID)
            return e.pointee.payload.unsafelyUnwrapped.load(as: T.self)
        }
    }

    /// Replaces the value of the element in a slot.
    public mutating func write(_ value: T, at slot: Int) throws(AccessError) {
        let s = try slots(write: true)
        guard slot >= 0 && slot < N && s[slot] != .none else { throw .badSlot(id, slot) }
        let element = s[slot]
        try Kernel.asKernel { () throws(AccessError) in
            let e = SharedHeap.entry(element.index)
            try SharedHeap.checkType(e, element, T.exchangeableTypeID)
            e.pointee.payload.unsafelyUnwrapped.storeBytes(of: value, as: T.self)
        }
    }

    /// One field of the element in slot `slot`, read in place: the element stays in the array
    /// (as `RRef.read(_:)` for the element's own rules).
    @inlinable @inline(__always)
    public func read<Value: Exchangeable>(_ field: ExchangeableField<T, Value>, at slot: Int) throws(AccessError) -> Value {
        let payload = try HeapAccess.elementPayload(id, type: Self.typeID, slot: slot, fromFront: false, writing: false)
        return payload.load(fromByteOffset: field.offset, as: Value.self)
    }

    /// Replaces one field of the element in slot `slot`, in place (as `RRef.write(_:to:)`).
    @inlinable @inline(__always)
    public mutating func write<Value: Exchangeable>(_ value: Value, to field: ExchangeableField<T, Value>,
                                                    at slot: Int) throws(AccessError) {
        let payload = try HeapAccess.elementPayload(id, type: Self.typeID, slot: slot, fromFront: false, writing: true)
        payload.storeBytes(of: value, toByteOffset: field.offset, as: Value.self)
    }
}
