/// Who holds a shared-heap object.
public enum ObjectState: UInt8, Sendable {
    case free
    /// Owned by `ObjectEntry.owner`, a domain.
    case owned
    /// An element of the container in `ObjectEntry.parent`; it moves and dies with it.
    case held
}

/// One row of the shared-heap object table.
public struct ObjectEntry {
    public internal(set) var generation: UInt32 = 0
    public internal(set) var state: ObjectState = .free
    public internal(set) var owner: DomainID = .kernel
    /// Number of frames currently lending this object to a callee.
    public internal(set) var borrows: UInt32 = 0
    /// The domain whose quota the object counts against: the one that allocated it (the
    /// kernel, once that domain is gone).
    public internal(set) var chargedTo: DomainID = .kernel
    /// Index of the container holding this object, when `state == .held`.
    public internal(set) var parent: UInt32 = UInt32.max
    /// The payload's exchangeable type (its identity, not its layout).
    public internal(set) var type: UInt64 = 0
    /// For a container, the type its elements must have; 0 for a value.
    public internal(set) var elementType: UInt64 = 0
    public internal(set) var payload: UnsafeMutableRawPointer? = nil
    /// Next free slot, while free.
    var nextFree: UInt32 = UInt32.max
}

extension ObjectEntry {
    /// A container's payload is its element IDs; dropping it drops them.
    public var isContainer: Bool { elementType != 0 }
    /// Lent (only roots are): it may not be written, dropped, moved, put into a container, or
    /// have elements put in or taken out until the calls lending it return.
    public var isPinned: Bool { borrows != 0 }
}

/// What a new object's payload is: its type, its element type if it is a container, and the
/// storage it takes.
struct PayloadType {
    let id: UInt64
    let element: UInt64
    let size: Int
    let alignment: Int

    static func value<T: Exchangeable>(_: T.Type) -> PayloadType {
        PayloadType(id: T.exchangeableTypeID, element: 0, size: MemoryLayout<T>.size, alignment: MemoryLayout<T>.alignment)
    }

    /// A container of `capacity` elements of type `T`, its own type `id`.
    static func container<T: Exchangeable>(_ id: UInt64, of _: T.Type, capacity: Int) -> PayloadType {
        PayloadType(id: id, element: T.exchangeableTypeID,
                    size: ContainerLayout.payloadSize(capacity: capacity), alignment: 8)
    }
}
