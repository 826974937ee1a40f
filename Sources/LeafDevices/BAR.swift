/// One base address register of a PCI function, as the back-end found it (PCI 3.0 §6.2.5):
/// its kind, where firmware put it and how large it is.
public struct BAR: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case memory32, memory64, io }
    public let index: Int
    public let kind: Kind
    /// Physical address (memory) or port number (I/O).
    public let base: UInt64
    public let size: UInt64
    public let prefetchable: Bool

    public init(index: Int, kind: Kind, base: UInt64, size: UInt64, prefetchable: Bool) {
        self.index = index
        self.kind = kind
        self.base = base
        self.size = size
        self.prefetchable = prefetchable
    }

    public var isMemory: Bool { kind != .io }
}
