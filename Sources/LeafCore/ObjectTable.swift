/// Who holds a shared-heap object.
@_spi(Kernel) public enum ObjectState: UInt8, Sendable {
    case free
    /// Owned by `ObjectEntry.owner`, a domain.
    case owned
    /// An element of the container in `ObjectEntry.parent`; it moves and dies with it.
    case held
}

/// One row of the shared-heap object table.
@_spi(Kernel) public struct ObjectEntry {
    public internal(set) var generation: UInt32 = 0
    public internal(set) var state: ObjectState = .free
    public internal(set) var owner: DomainID = .kernel
    /// Number of frames currently lending this object to a callee.
    public internal(set) var borrows: UInt32 = 0
    /// Index of the container holding this object, when `state == .held`.
    public internal(set) var parent: UInt32 = UInt32.max
    public internal(set) var type: TypeID = TypeID(0)
    public internal(set) var payload: UnsafeMutableRawPointer? = nil
    /// Next free slot, while free.
    var nextFree: UInt32 = UInt32.max
}

/// The layout-level type of a shared-heap object: what its payload is and how to drop it.
/// Embedded Swift has no runtime type metadata, so types are identified by their shape.
@_spi(Kernel) public struct TypeDescriptor: Equatable, Sendable {
    public enum Kind: UInt8, Sendable {
        /// A BitwiseCopyable value: dropping it frees its storage.
        case value
        /// A container whose payload is `capacity` element IDs (plus a deque header);
        /// dropping it drops every element it holds.
        case container
    }
    public let kind: Kind
    public let size: UInt32
    public let alignment: UInt32
    public let capacity: UInt32
}

@_spi(Kernel) public struct TypeID: Hashable, Sendable {
    public let raw: UInt16
    @inlinable init(_ raw: UInt16) { self.raw = raw }
}
