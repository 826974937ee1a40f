internal import CLeafGate

/// Sizes of the kernel's fixed tables, chosen at boot.
@_spi(Kernel) public struct KernelConfiguration: Sendable {
    public var objectCapacity: Int
    public var domainCapacity: Int
    public var threadCapacity: Int
    public var frameDepth: Int
    /// Whether a domain's Swift objects live in its private heap (bare metal, where the
    /// allocator entry points allocate from the current domain's heap). Then teardown must not
    /// release them: their memory goes away with the heap, and their deinitializers (domain code)
    /// must not run after the domain died. On the host they live in the host's allocator and are
    /// released at teardown.
    public var domainObjectsLiveInPrivateHeaps: Bool
    /// Object rows only the kernel may take: a domain that fills the rest cannot stop the kernel
    /// from allocating (by default 1/16 of the table).
    public var kernelReserve: Int
    /// The quota a domain gets when its creator names none (by default every row outside the
    /// reserve, and any number of pages).
    public var defaultQuota: DomainQuota
    public init(objectCapacity: Int = 4096, domainCapacity: Int = 64, threadCapacity: Int = 16, frameDepth: Int = 32,
                domainObjectsLiveInPrivateHeaps: Bool = false, kernelReserve: Int? = nil, defaultQuota: DomainQuota? = nil) {
        self.objectCapacity = objectCapacity
        self.domainCapacity = domainCapacity
        self.threadCapacity = threadCapacity
        self.frameDepth = frameDepth
        self.domainObjectsLiveInPrivateHeaps = domainObjectsLiveInPrivateHeaps
        let reserve = kernelReserve ?? objectCapacity / 16
        self.kernelReserve = reserve
        self.defaultQuota = defaultQuota ?? DomainQuota(objects: objectCapacity - reserve, pages: Int.max)
    }
}

/// What one domain may take, set when it is created: shared-heap objects it allocated that are
/// still alive (wherever they moved since), and pages of its private heap. Exceeding either is
/// an error to that domain only.
public struct DomainQuota: Sendable, Equatable {
    public var objects: Int
    public var pages: Int
    public init(objects: Int, pages: Int) {
        self.objects = objects
        self.pages = pages
    }
}

/// Per-domain bookkeeping that the call path touches: plain values only, no references.
struct DomainSlot: ~Copyable {
    var state: DomainState = .unused
    var incarnation: UInt32 = 0
    /// The domain that created this one: besides the kernel, the only one that may tear it
    /// down, restart it, or start, wake and end its threads.
    var creator: DomainID = .kernel
    var objectsOwned: Int = 0
    /// Live objects this domain allocated, wherever they are now (its quota counts these).
    var objectsCharged: Int = 0
    var quota = DomainQuota(objects: Int.max, pages: Int.max)
    var heap = SlabAllocator()
    /// A fault the next call into the domain takes (fault injection), cleared as it fires.
    var armedFault: InjectedFault = .none
}

/// All of the kernel's mutable state, in fixed tables allocated at boot. It is reached through
/// one raw pointer so that the call path does no reference counting and no lazy initialisation.
/// What the inlined fast path of the ownership checks reads (HotPath.swift) is usable from
/// inlinable code; domain source cannot name any of it.
@usableFromInline
struct KernelState: ~Copyable {
    let configuration: KernelConfiguration
    /// `configuration.objectCapacity`, for the inlined checks.
    @usableFromInline let objectCapacity: Int
    @usableFromInline let objects: UnsafeMutablePointer<ObjectEntry>
    var freeObjectHead: UInt32
    var liveObjects = 0
    let domains: UnsafeMutablePointer<DomainSlot>
    var domainsInUse = 1
    let threads: UnsafeMutablePointer<ThreadSlot>
    let frames: UnsafeMutablePointer<Frame>
    let continuations: UnsafeMutablePointer<leaf_continuation>
    var currentThread: UInt16 = 0
    @usableFromInline var currentDomain: DomainID = .kernel
    var runQueueHead: UInt16 = UInt16.max
    var runQueueTail: UInt16 = UInt16.max
    var sharedHeap = SlabAllocator()
    unowned(unsafe) let pages: PageSource
    /// Pages taken from `pages` and not yet returned, over every allocator.
    var pagesInUse = 0

    @inline(__always) func frame(_ thread: UInt16, _ depth: Int) -> UnsafeMutablePointer<Frame> {
        frames + (Int(thread) &* configuration.frameDepth &+ depth)
    }

}

/// Counts the pages that go through it, so that accounting can be checked against the source.
final class CountingPageSource: PageSource {
    let underlying: PageSource
    init(_ underlying: PageSource) { self.underlying = underlying }
    func allocatePages(_ count: Int) -> UnsafeMutableRawPointer? {
        guard let base = underlying.allocatePages(count) else { return nil }
        kernelState.pointee.pagesInUse += count
        return base
    }
    func freePages(_ base: UnsafeMutableRawPointer, _ count: Int) {
        kernelState.pointee.pagesInUse -= count
        underlying.freePages(base, count)
    }
}

@usableFromInline nonisolated(unsafe) var kernelStatePointer: UnsafeMutablePointer<KernelState>? = nil
nonisolated(unsafe) var kernelPageSource: CountingPageSource? = nil {
    didSet { kernelPages = kernelPageSource.map { Unmanaged.passUnretained($0) } }
}
/// The same page source, unretained: loading a class reference from a global costs a retain and
/// a release, which dropping an object (a hot path in drivers) must not pay.
nonisolated(unsafe) private var kernelPages: Unmanaged<CountingPageSource>? = nil

extension Kernel {
    @inline(__always) static func withPages<R>(_ body: (PageSource) -> R) -> R {
        kernelPages.unsafelyUnwrapped._withUnsafeGuaranteedRef { body($0) }
    }
}

var kernelState: UnsafeMutablePointer<KernelState> {
    @inline(__always) get { kernelStatePointer.unsafelyUnwrapped }
}
