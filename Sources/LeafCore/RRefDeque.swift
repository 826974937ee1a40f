/// A bounded FIFO of `RRef<T>` objects in the shared heap (a batch of packets or requests).
/// Elements are held by the deque: they move with it and are reclaimed with it.
@frozen
public struct RRefDeque<T: Exchangeable, let N: Int>: ~Copyable {
    public let id: ObjectID

    /// Its own identity ("LeafCore.RRefDeque" with the element type and capacity), a constant
    /// once specialized.
    @inlinable public static var typeID: UInt64 { composedTypeID(0x186b_51b8_e7e1_3951, T.exchangeableTypeID, N) }
    static var payloadType: PayloadType { .container(typeID, of: T.self, capacity: N) }

    /// An empty deque owned by the current domain.
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

    @inlinable @inline(__always)
    public func count() throws(AccessError) -> Int { try HeapAccess.elementCount(id, type: Self.typeID) }

    /// Whether `push` would find room (false too if the deque is not the current domain's).
    @inlinable @inline(__always)
    public var hasRoom: Bool { ((try? count()) ?? N) < N }

    /// Throws why `push(_:)` would refuse, or returns when it would succeed.
    public func checkPush() throws(AccessError) { _ = try slotsToPush() }

    /// The slots, if `push` may append to them.
    func slotsToPush() throws(AccessError) -> ContainerLayout {
        let s = try slots(write: true)
        guard s.count < N else { throw .full(id) }
        return s
    }

    /// Appends `element` at the back. Returns nil when appended; when refused (deque full,
    /// deque or element not the current domain's) the element comes back untouched, and
    /// `checkPush()` says why.
    @inlinable @inline(__always)
    public mutating func push(_ element: consuming RRef<T>) -> RRef<T>? {
        do throws(AccessError) { try HeapAccess.push(element.id, into: id, type: Self.typeID) } catch { return element }
        _ = element.relinquish()
        return nil
    }

    /// Moves the element in slot `slot` of `array` to the back, in one step: what
    /// `array.take(at:)` then `push(_:)` would do, at the cost of one of them. Throws, changing
    /// nothing, when the slot is empty or out of range, the deque is full, a container is not
    /// the current domain's outright or is lent, or the element is lent.
    @inlinable @inline(__always)
    public mutating func push<let M: Int>(takingFrom array: inout RRefArray<T, M>, at slot: Int) throws(AccessError) {
        _ = try HeapAccess.move(slot: slot, of: array.id, type: RRefArray<T, M>.typeID, toBackOf: id, type: Self.typeID)
    }

    /// The same, writing one field of the element as it moves (a request's status as the
    /// driver hands it back).
    @inlinable @inline(__always)
    public mutating func push<let M: Int, Value: Exchangeable>(takingFrom array: inout RRefArray<T, M>, at slot: Int,
                                                              writing value: Value, to field: ExchangeableField<T, Value>) throws(AccessError) {
        let payload = try HeapAccess.move(slot: slot, of: array.id, type: RRefArray<T, M>.typeID, toBackOf: id, type: Self.typeID)
        payload.storeBytes(of: value, toByteOffset: field.offset, as: Value.self)
    }

    /// Removes the front element, or returns nil when the deque is empty.
    @inlinable @inline(__always)
    public mutating func pop() throws(AccessError) -> RRef<T>? {
        guard let element = try HeapAccess.pop(from: id, type: Self.typeID) else { return nil }
        return RRef(adopting: element)
    }

    /// One field of the element at `position` (0 = the front), read in place: the element
    /// stays in the deque (as `RRef.read(_:)` for the element's own rules).
    @inlinable @inline(__always)
    public func read<Value: Exchangeable>(_ field: ExchangeableField<T, Value>, at position: Int) throws(AccessError) -> Value {
        let payload = try HeapAccess.elementPayload(id, type: Self.typeID, slot: position, fromFront: true, writing: false)
        return payload.load(fromByteOffset: field.offset, as: Value.self)
    }

    /// Replaces one field of the element at `position`, in place (as `RRef.write(_:to:)`).
    @inlinable @inline(__always)
    public mutating func write<Value: Exchangeable>(_ value: Value, to field: ExchangeableField<T, Value>,
                                                    at position: Int) throws(AccessError) {
        let payload = try HeapAccess.elementPayload(id, type: Self.typeID, slot: position, fromFront: true, writing: true)
        payload.storeBytes(of: value, toByteOffset: field.offset, as: Value.self)
    }

    /// Replaces one field of every element, front to back, with what `update` makes of another
    /// field of it (read first, so the two may be the same): a device answering a batch in
    /// place. The deque is checked once for the pass, then each element under its own rules.
    /// Returns the number of elements; throws the first refusal, the elements before it done.
    @inlinable @inline(__always)
    public mutating func updateEach<Value: Exchangeable, Other: Exchangeable>(
        _ field: ExchangeableField<T, Value>, from other: ExchangeableField<T, Other>, _ update: (Other) -> Value
    ) throws(AccessError) -> Int {
        try HeapAccess.eachElementPayload(id, type: Self.typeID) { payload in
            let read = payload.load(fromByteOffset: other.offset, as: Other.self)
            payload.storeBytes(of: update(read), toByteOffset: field.offset, as: Value.self)
        }
    }

    /// Replaces one field of the element at `position` and reads another, in one checked
    /// access (a device answering a frame in place sets its status and reads its length); the
    /// field read is read before the write, so the two may be the same.
    @inlinable @inline(__always)
    public mutating func write<Value: Exchangeable, Other: Exchangeable>(_ value: Value, to field: ExchangeableField<T, Value>,
                                                                         at position: Int,
                                                                         reading other: ExchangeableField<T, Other>) throws(AccessError) -> Other {
        let payload = try HeapAccess.elementPayload(id, type: Self.typeID, slot: position, fromFront: true, writing: true)
        let read = payload.load(fromByteOffset: other.offset, as: Other.self)
        payload.storeBytes(of: value, toByteOffset: field.offset, as: Value.self)
        return read
    }
}
