/// How the specification encodes its tables' cells as integers. The codes of thread and domain
/// states equal LeafCore's raw values, so the abstraction function maps them one to one.
public enum Encoding {
    /// No object, domain, thread or page: an empty owner, parent, frame slot or queue slot.
    public static let none = -1
}

public enum ObjectStatus: Int, CaseIterable, Sendable {
    case free = 0
    /// Owned outright by the domain in `owner`.
    case owned = 1
    /// An element of the container in `parent`; it moves and dies with it.
    case held = 2
}

public enum DomainStatus: Int, CaseIterable, Sendable {
    case unused = 0, live = 1, crashed = 2, stopped = 3
}

public enum ThreadStatus: Int, CaseIterable, Sendable {
    case unused = 0, ready = 1, running = 2, blocked = 3, exited = 4
}

/// The sizes of the specification's universes. Domain 0 is the kernel; thread 0 runs at boot.
/// Proofs are made for one fixed set of bounds (quantifiers become finite conjunctions);
/// `verify` lets you choose larger ones.
public struct Bounds: Equatable, Sendable {
    public var objects: Int
    public var domains: Int
    public var threads: Int
    /// Frames per thread (call depth).
    public var frames: Int
    public var pages: Int

    public init(objects: Int, domains: Int, threads: Int, frames: Int, pages: Int) {
        self.objects = objects
        self.domains = domains
        self.threads = threads
        self.frames = frames
        self.pages = pages
    }

    /// The bounds `verify` proves by default: big enough for a container holding two elements
    /// beside an object of its own, a call chain through all domains, and a thread of each kind.
    public static let proof = Bounds(objects: 4, domains: 3, threads: 3, frames: 3, pages: 3)
}
