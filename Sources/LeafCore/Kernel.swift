internal import CLeafGate

/// The kernel's entry points: boot and shutdown, and what the running code can ask about itself.
/// The tables live in `KernelState`; domains, threads and the shared heap extend this type in
/// their own files.
@_spi(Kernel) public enum Kernel {
    public static var isBooted: Bool { kernelStatePointer != nil }

    /// The domain whose code is running.
    public static var currentDomain: DomainID {
        @inline(__always) get { kernelState.pointee.currentDomain }
    }

    public static var currentThread: ThreadID { ThreadID(kernelState.pointee.currentThread) }

    /// Allocates the kernel's tables from `pageSource` and starts thread 0 in the kernel domain.
    public static func boot(
        pageSource: PageSource, configuration: KernelConfiguration = KernelConfiguration()
    ) throws(KernelError) {
        precondition(!isBooted, "the kernel is already booted")
        beforeTearDown = nil
        let pages = CountingPageSource(pageSource)
        func table<T: ~Copyable>(_ type: T.Type, _ count: Int) throws(KernelError) -> UnsafeMutablePointer<T> {
            let bytes = count * MemoryLayout<T>.stride
            guard let raw = pageSource.allocatePages((bytes + pageSize - 1) / pageSize) else {
                throw .outOfMemory
            }
            return raw.bindMemory(to: T.self, capacity: count)
        }
        let c = configuration
        let objects = try table(ObjectEntry.self, c.objectCapacity)
        for i in 0..<c.objectCapacity {
            var entry = ObjectEntry()
            entry.nextFree = i + 1 < c.objectCapacity ? UInt32(i + 1) : UInt32.max
            (objects + i).initialize(to: entry)
        }
        let domains = try table(DomainSlot.self, c.domainCapacity)
        for i in 0..<c.domainCapacity { (domains + i).initialize(to: DomainSlot()) }
        domains[0].state = .live
        let threads = try table(ThreadSlot.self, c.threadCapacity)
        for i in 0..<c.threadCapacity { (threads + i).initialize(to: ThreadSlot()) }
        threads[0].state = .running
        let frames = try table(Frame.self, c.threadCapacity * c.frameDepth)
        let continuations = try table(leaf_continuation.self, c.threadCapacity * c.frameDepth)
        for i in 0..<c.threadCapacity * c.frameDepth {
            (frames + i).initialize(to: Frame(thread: UInt16(i / c.frameDepth), depth: i % c.frameDepth, continuation: continuations + i))
        }
        let state = try table(KernelState.self, 1)
        state.initialize(to: KernelState(
            configuration: c, objectCapacity: c.objectCapacity, objects: objects, freeObjectHead: 0, domains: domains,
            threads: threads, frames: frames, continuations: continuations, pages: pages))
        kernelPageSource = pages
        kernelStatePointer = state
        domainRecords = [DomainRecord(name: "kernel")]
    }

    /// Tears down every domain, returns every page, and forgets the kernel. Returns the pages and
    /// objects that were still accounted to someone after the domains were gone (0 and 0 when
    /// accounting is exact).
    @discardableResult
    public static func shutdown() -> (pages: Int, objects: Int) {
        let k = kernelState
        precondition(k.pointee.threads[Int(k.pointee.currentThread)].depth == 0, "shutdown inside a call")
        beforeTearDown = nil
        for raw in 1..<k.pointee.domainsInUse where k.pointee.domains[raw].state.isLive {
            tearDown(DomainID(UInt16(raw)), becoming: .stopped)
        }
        reclaimObjects(of: .kernel)
        Kernel.withPages { k.pointee.domains[0].heap.releaseAll(to: $0) }
        Kernel.withPages { k.pointee.sharedHeap.releaseAll(to: $0) }
        let leftover = (pages: k.pointee.pagesInUse, objects: k.pointee.liveObjects)
        domainRecords = []
        let source = kernelPageSource.unsafelyUnwrapped.underlying
        let c = k.pointee.configuration
        func free<T: ~Copyable>(_ p: UnsafeMutablePointer<T>, _ count: Int) {
            source.freePages(UnsafeMutableRawPointer(p), (count * MemoryLayout<T>.stride + pageSize - 1) / pageSize)
        }
        free(k.pointee.objects, c.objectCapacity)
        k.pointee.domains.deinitialize(count: c.domainCapacity)
        free(k.pointee.domains, c.domainCapacity)
        free(k.pointee.threads, c.threadCapacity)
        free(k.pointee.frames, c.threadCapacity * c.frameDepth)
        free(k.pointee.continuations, c.threadCapacity * c.frameDepth)
        k.deinitialize(count: 1)
        free(k, 1)
        kernelStatePointer = nil
        kernelPageSource = nil
        leaf_set_innermost(nil)
        return leftover
    }

    /// Pages taken from the page source for heaps (shared and private), not counting the tables.
    public static var pagesInUse: Int { kernelState.pointee.pagesInUse }
    /// Pages of the shared heap's allocator.
    public static var sharedHeapPages: Int { kernelState.pointee.sharedHeap.pageCount }
    /// Objects allocated in the shared heap and not yet freed.
    public static var liveObjects: Int { kernelState.pointee.liveObjects }
    public static var configuration: KernelConfiguration { kernelState.pointee.configuration }
}

extension Kernel {
    /// A copy of row `index` of the shared-heap object table (for checks and the abstraction function).
    public static func object(at index: Int) -> ObjectEntry { kernelState.pointee.objects[index] }
    /// The ID that currently names row `index` (meaningful while the row is not free).
    public static func objectID(at index: Int) -> ObjectID {
        ObjectID(index: UInt32(index), generation: kernelState.pointee.objects[index].generation)
    }
    /// The element IDs in a container's slots (`ObjectID.none` for empty ones).
    public static func elements(ofContainerAt index: Int) -> [ObjectID] {
        let e = kernelState.pointee.objects[index]
        guard e.state != .free, e.isContainer else { return [] }
        let slots = ContainerLayout(e.payload.unsafelyUnwrapped)
        return (0..<slots.capacity).map { slots[$0] }
    }
    /// The thread currently running.
    public static var runningThread: ThreadID { ThreadID(kernelState.pointee.currentThread) }
}
