/// A bounded FIFO of `RRef<T>` objects in the shared heap (a batch of packets or requests).
/// Elements are held by the deque: they move with it and are reclaimed with it.
@frozen
public struct RRefDeque<T: Exchangeable, let N: Int>: ~Copyable {
    public let id: ObjectID

    /// Its own identity ("LeafCore.RRefDeque" with the element type and capacity) and its elements'.
    static var payloadType: PayloadType { .container(0x186b_51b8_e7e1_3951, of: T.self, capacity: N) }

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
        try SharedHeap.slots(of: id, Self.payloadType.id, write: write)
    }

    public func count() throws(AccessError) -> Int { try slots(write: false).count }

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
    public mutating func push(_ element: consuming RRef<T>) -> RRef<T>? {
        do throws(AccessError) {
            let s = try slotsToPush()
            let container = id, element = element.id
            try Kernel.asKernel { () throws(AccessError) in
                try SharedHeap.put(element, into: container, slot: (s.head + s.count) % N)
                s.count += 1
            }
        } catch {
            return element
        }
        _ = element._relinquish()
        return nil
    }

    /// Removes the front element, or returns nil when the deque is empty.
    public mutating func pop() throws(AccessError) -> RRef<T>? {
        let s = try slots(write: true)
        guard s.count > 0 else { return nil }
        let container = id
        let element = try Kernel.asKernel { () throws(AccessError) in
            let element = try SharedHeap.take(from: container, slot: s.head)
            s.head = (s.head + 1) % N
            s.count -= 1
            return element
        }
        return RRef(_adopting: element)
    }
}
