/// What the kernel keeps about a domain off the call path: its name, the objects it exports
/// (kept alive until teardown), and the entry that (re)creates them on start and restart.
final class DomainRecord {
    var name: String
    var exports: [AnyObject] = []
    var entry: (() -> Void)? = nil
    init(name: String) { self.name = name }
}

nonisolated(unsafe) var domainRecords: [DomainRecord] = []

extension Kernel {
    /// A new live domain with an empty private heap, created by the current domain, with
    /// `quota` (the configuration's default if nil).
    public static func createDomain(name: String, quota: DomainQuota? = nil) throws(KernelError) -> DomainID {
        let k = kernelState
        var raw = 1
        while raw < k.pointee.domainsInUse && k.pointee.domains[raw].state != .unused { raw += 1 }
        guard raw < k.pointee.configuration.domainCapacity else { throw .tooManyDomains }
        if raw == k.pointee.domainsInUse { k.pointee.domainsInUse += 1 }
        k.pointee.domains[raw].state = .live
        k.pointee.domains[raw].creator = k.pointee.currentDomain
        k.pointee.domains[raw].quota = quota ?? k.pointee.configuration.defaultQuota
        k.pointee.domains[raw].incarnation += 1
        inKernelHeap {
            let record = DomainRecord(name: name)
            if raw < domainRecords.count { domainRecords[raw] = record } else { domainRecords.append(record) }
        }
        transitionDone()
        return DomainID(UInt16(raw))
    }

    public static func state(of domain: DomainID) -> DomainState {
        let k = kernelState
        guard Int(domain.raw) < k.pointee.domainsInUse else { return .unused }
        return k.pointee.domains[Int(domain.raw)].state
    }

    public static func name(of domain: DomainID) -> String {
        Int(domain.raw) < domainRecords.count ? domainRecords[Int(domain.raw)].name : "?"
    }

    /// How many times the domain has been started (1 after creation, +1 per restart).
    /// 0 for a slot never used, or before boot (a proxy bound to it is refused).
    public static func incarnation(of domain: DomainID) -> UInt32 {
        guard isBooted, Int(domain.raw) < kernelState.pointee.configuration.domainCapacity else { return 0 }
        return kernelState.pointee.domains[Int(domain.raw)].incarnation
    }

    public static func quota(of domain: DomainID) -> DomainQuota { kernelState.pointee.domains[Int(domain.raw)].quota }

    /// Live shared-heap objects the domain allocated, wherever they are now.
    public static func objectsCharged(to domain: DomainID) -> Int { kernelState.pointee.domains[Int(domain.raw)].objectsCharged }

    /// Shared-heap objects the domain owns directly (elements of its containers not counted).
    public static func objectsOwned(by domain: DomainID) -> Int {
        kernelState.pointee.domains[Int(domain.raw)].objectsOwned
    }

    /// Pages of the domain's private heap.
    public static func pages(of domain: DomainID) -> Int {
        kernelState.pointee.domains[Int(domain.raw)].heap.pageCount
    }

    /// The number of domain slots ever used (IDs are 0 ..< domainSlotsInUse).
    public static var domainSlotsInUse: Int { kernelState.pointee.domainsInUse }

    /// Keeps `object` alive as long as the domain is live; teardown lets it go.
    public static func export(_ object: AnyObject, from domain: DomainID) {
        inKernelHeap { domainRecords[Int(domain.raw)].exports.append(object) }
    }

    /// Told of every teardown (a crash's or a requested one) before anything is reclaimed: the
    /// boot graph stops the devices the domain drove (no more DMA into memory about to be
    /// reused). Cleared at boot and at shutdown.
    @_spi(Kernel) nonisolated(unsafe) public static var beforeTearDown: ((DomainID) -> Void)? = nil

    /// Runs `body` with the kernel domain current, so that what it allocates (the kernel's own
    /// bookkeeping) comes from the kernel's heap, not from the calling domain's. Not observed
    /// (the kernel being current is not a state of the spec's): its transitions are seen at the
    /// next observation.
    @_spi(Kernel) public static func inKernelHeap<R>(_ body: () -> R) -> R {
        let k = kernelState
        let current = k.pointee.currentDomain
        k.pointee.currentDomain = .kernel
        defer { k.pointee.currentDomain = current }
        return unobserved(body)
    }

    /// Sets the code that populates the domain, runs it now inside the domain, and runs it again
    /// on every restart. A trap in it crashes the domain like any other.
    public static func start(_ domain: DomainID, entry: @escaping () -> Void) throws(RpcError) {
        domainRecords[Int(domain.raw)].entry = entry
        try run(in: domain, entry)
    }

    /// Tears a live domain down on request: every object it owns (with the elements of its
    /// containers) and every page of its private heap are reclaimed.
    public static func tearDown(_ domain: DomainID) throws(KernelError) {
        try checkLiveUserDomain(domain)
        try checkAuthority(over: domain)
        if hasFrames(domain) { throw .domainInUse(domain) }
        tearDown(domain, becoming: .stopped)
        transitionDone()
    }

    /// Brings a crashed or stopped domain back with a fresh heap and re-runs its entry.
    public static func restart(_ domain: DomainID) throws(KernelError) {
        try checkRestartable(domain)
        let k = kernelState
        k.pointee.domains[Int(domain.raw)].state = .live
        k.pointee.domains[Int(domain.raw)].incarnation += 1
        transitionDone()
        if let entry = domainRecords[Int(domain.raw)].entry {
            do throws(RpcError) { try run(in: domain, entry) } catch {
                // A trap in the entry leaves the domain crashed again; the caller sees its
                // state. An entry that never ran (no frame was free for it) would leave the
                // domain live with nothing exported and its proxies bound to the export box its
                // teardown released: it goes down again, and the restart fails.
                guard error == .domainCrashed else {
                    tearDown(domain, becoming: .crashed)
                    transitionDone()
                    throw .entryDidNotRun(domain, error)
                }
            }
        }
    }

    /// Brings a crashed or stopped domain back, as `restart` does, as a new thing: under a new
    /// name, with `entry` as the code that populates it (a process's domain, recycled for the
    /// next program). Proxies bound to its earlier incarnations stay refused.
    public static func reuse(_ domain: DomainID, name: String, entry: @escaping () -> Void) throws(KernelError) {
        try checkRestartable(domain)
        inKernelHeap {
            domainRecords[Int(domain.raw)].name = name
            domainRecords[Int(domain.raw)].entry = entry
        }
        try restart(domain)
    }

    /// Crashes a live domain on request (Rv6's kill), as if it had trapped: it is torn down at
    /// once; threads that run in it elsewhere are unwound to their live callers, and a call it
    /// made that is still open (on this thread too) returns into nothing and unwinds past it.
    public static func crash(requested domain: DomainID) throws(KernelError) {
        try checkLiveUserDomain(domain)
        try checkAuthority(over: domain)
        guard domain != currentDomain else { throw .domainInUse(domain) }
        asKernel { crash(domain) }
    }

    /// Arms `fault` in a live domain (fault injection: Rv6's `crash DOMAIN`): the next call into
    /// it, from any domain, runs none of the callee's code but takes the fault in the callee,
    /// at its entry, so that it crashes as a bug would crash it, through the trap handler.
    public static func injectFault(_ fault: InjectedFault, into domain: DomainID) throws(KernelError) {
        try checkLiveUserDomain(domain)
        try checkAuthority(over: domain)
        kernelState.pointee.domains[Int(domain.raw)].armedFault = fault
    }

    /// The fault armed in `domain` that no call has taken yet.
    public static func armedFault(of domain: DomainID) -> InjectedFault { kernelState.pointee.domains[Int(domain.raw)].armedFault }

    /// Refuses unless `domain` is a crashed or stopped user domain the current domain may act
    /// on, and no call into or out of its dead incarnation is still open on a stack (that one
    /// is to be unwound past when it returns, not into a new incarnation).
    static func checkRestartable(_ domain: DomainID) throws(KernelError) {
        let k = kernelState
        guard domain != .kernel else { throw .kernelDomain }
        guard Int(domain.raw) < k.pointee.domainsInUse, k.pointee.domains[Int(domain.raw)].state != .unused else {
            throw .noSuchDomain(domain)
        }
        guard !k.pointee.domains[Int(domain.raw)].state.isLive else { throw .domainAlreadyLive(domain) }
        try checkAuthority(over: domain)
        if hasFrames(domain) { throw .domainInUse(domain) }
    }

    /// Refuses unless the current domain is the kernel or `domain`'s creator.
    static func checkAuthority(over domain: DomainID) throws(KernelError) {
        let k = kernelState
        let actor = k.pointee.currentDomain
        guard actor == .kernel || actor == k.pointee.domains[Int(domain.raw)].creator else {
            throw .notPermitted(actor: actor, target: domain)
        }
    }

    /// The domain that created `domain`.
    public static func creator(of domain: DomainID) -> DomainID { kernelState.pointee.domains[Int(domain.raw)].creator }

    static func checkLiveUserDomain(_ domain: DomainID) throws(KernelError) {
        let k = kernelState
        guard domain != .kernel else { throw .kernelDomain }
        guard Int(domain.raw) < k.pointee.domainsInUse else { throw .noSuchDomain(domain) }
        let state = k.pointee.domains[Int(domain.raw)].state
        guard state.isLive else {
            if state == .unused { throw .noSuchDomain(domain) }
            throw .domainNotLive(domain, state)
        }
    }

    /// Whether any thread has a frame calling into or out of the domain, or runs in it.
    static func hasFrames(_ domain: DomainID) -> Bool {
        let k = kernelState
        for t in 0..<k.pointee.configuration.threadCapacity {
            let state = k.pointee.threads[t].state
            if state != .unused && state != .exited && k.pointee.threads[t].home == domain { return true }
            for d in 0..<k.pointee.threads[t].depth {
                let f = k.pointee.frame(UInt16(t), d)
                if f.pointee.callee == domain || f.pointee.caller == domain { return true }
            }
        }
        return false
    }

    /// Teardown itself: one step that leaves nothing of the domain behind.
    static func tearDown(_ domain: DomainID, becoming state: DomainState) {
        if let hook = beforeTearDown { inKernelHeap { hook(domain) } }
        let k = kernelState
        k.pointee.domains[Int(domain.raw)].state = state
        k.pointee.domains[Int(domain.raw)].armedFault = .none
        reclaimObjects(of: domain)
        dischargeObjects(of: domain)
        var exports = inKernelHeap { () -> [AnyObject] in
            let exports = domainRecords[Int(domain.raw)].exports
            domainRecords[Int(domain.raw)].exports = []
            return exports
        }
        if k.pointee.configuration.domainObjectsLiveInPrivateHeaps {
            // Their memory is about to go with the heap: keep their deinitializers from ever
            // running, and touch them no more.
            for object in exports { _ = Unmanaged.passRetained(object) }
        }
        // Otherwise released here, after the objects: deinitializers that still hold
        // references find them stale.
        inKernelHeap { exports = [] }
        Kernel.withPages { k.pointee.domains[Int(domain.raw)].heap.releaseAll(to: $0) }
    }

    /// Allocates from the current domain's private heap (on bare metal, every allocation the
    /// Swift runtime makes in a domain): the page source is touched only when a page is needed.
    public static func allocatePrivate(size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        // The runtime calls this from domain code: sizes are checked, not trusted.
        guard size >= 0 && size <= maximumPrivateAllocation,
              alignment > 0 && alignment <= pageSize && alignment & (alignment &- 1) == 0 else { return nil }
        return unobserved { asKernel {
            let k = kernelState
            let d = Int(k.pointee.currentDomain.raw)
            if let block = k.pointee.domains[d].heap.allocateCached(size: size, alignment: alignment) { return block }
            // The pages this allocation could take at most (a slab page, or a run with its header).
            let pages = (max(size, 1) + max(alignment, 64) + pageSize - 1) / pageSize
            guard pages <= k.pointee.domains[d].quota.pages &- k.pointee.domains[d].heap.pageCount else { return nil }
            return Kernel.withPages { k.pointee.domains[d].heap.allocate(size: size, alignment: alignment, from: $0) }
        } }
    }

    /// The largest block a private heap hands out (1 GiB).
    public static let maximumPrivateAllocation = 1 << 30

    /// Frees a block of the current domain's private heap. A block of another domain's heap is
    /// refused (returns false) rather than corrupting that heap.
    @discardableResult
    public static func freePrivate(_ block: UnsafeMutableRawPointer) -> Bool {
        unobserved { asKernel {
            let k = kernelState
            let d = Int(k.pointee.currentDomain.raw)
            guard k.pointee.domains[d].heap.owns(block) else { return false }
            if let run = k.pointee.domains[d].heap.free(block) { Kernel.withPages { $0.freePages(run.base, run.pages) } }
            return true
        } }
    }
}
