/// A protection domain. Domain 0 is the kernel itself, which is always live.
public struct DomainID: Hashable, Comparable, CustomStringConvertible, Sendable {
    public let raw: UInt16
    @inlinable public init(_ raw: UInt16) { self.raw = raw }
    public static let kernel = DomainID(0)
    @inlinable public static func < (a: DomainID, b: DomainID) -> Bool { a.raw < b.raw }
    public var description: String { "domain \(raw)" }
}

/// A slot in the shared-heap object table plus the generation that was current when the
/// object was allocated; a stale ID (object dropped, moved into a reclaimed domain, ...) never
/// matches the slot again.
public struct ObjectID: Hashable, CustomStringConvertible, Sendable {
    public let index: UInt32
    public let generation: UInt32
    @inlinable public init(index: UInt32, generation: UInt32) {
        self.index = index
        self.generation = generation
    }
    /// No object (an empty slot). A constant, not a global: reading it costs no accessor call.
    @inlinable public static var none: ObjectID { ObjectID(index: UInt32.max, generation: 0) }
    /// The ID as one word (a call body hands its result's ID back to the gate in a register).
    @inlinable public var word: UInt64 { UInt64(index) | UInt64(generation) << 32 }
    @inlinable public init(word: UInt64) { self.init(index: UInt32(truncatingIfNeeded: word), generation: UInt32(truncatingIfNeeded: word >> 32)) }
    public var description: String { "object \(index).\(generation)" }
}

/// A kernel thread; each carries its own stack of domain frames.
public struct ThreadID: Hashable, CustomStringConvertible, Sendable {
    public let raw: UInt16
    @inlinable public init(_ raw: UInt16) { self.raw = raw }
    public var description: String { "thread \(raw)" }
}
