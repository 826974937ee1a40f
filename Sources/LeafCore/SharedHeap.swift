/// The shared heap: the object table, ownership checks and the ownership changes that RRefs,
/// containers and the call gate make. Every rule of the ownership model is enforced here.
enum SharedHeap {
    @inline(__always) static func entry(_ index: UInt32) -> UnsafeMutablePointer<ObjectEntry> {
        kernelState.pointee.objects + Int(index)
    }

    /// The entry of `id` if it still names the object it was made for.
    @inline(__always) static func live(_ id: ObjectID) throws(AccessError) -> UnsafeMutablePointer<ObjectEntry> {
        guard Int(id.index) < kernelState.pointee.configuration.objectCapacity else { throw .stale(id) }
        let e = entry(id.index)
        guard e.pointee.generation == id.generation, e.pointee.state != .free else { throw .stale(id) }
        return e
    }

    /// A new object owned by the current domain, its payload uninitialised.
    static func allocate(_ type: PayloadType) throws(KernelError) -> (ObjectID, UnsafeMutableRawPointer) {
        let k = kernelState
        let index = k.pointee.freeObjectHead
        guard index != UInt32.max else { throw .objectTableFull }
        let current = k.pointee.currentDomain
        if current != .kernel {
            guard k.pointee.liveObjects < k.pointee.configuration.objectCapacity - k.pointee.configuration.kernelReserve else {
                throw .objectTableFull
            }
            let d = Int(current.raw)
            guard k.pointee.domains[d].objectsCharged < k.pointee.domains[d].quota.objects else {
                throw .quotaExceeded(current, .objects)
            }
        }
        // Payloads of half a page or more start on a page (device memory: a 2 KiB frame, a 4 KiB
        // block, a ring), at the price of the page before them (the run's header).
        let size = type.size, alignment = size >= pageSize / 2 ? pageSize : type.alignment
        guard let payload = k.pointee.sharedHeap.allocateCached(size: size, alignment: alignment)
            ?? Kernel.withPages({ k.pointee.sharedHeap.allocate(size: size, alignment: alignment, from: $0) })
        else { throw .outOfMemory }
        let e = entry(index)
        k.pointee.freeObjectHead = e.pointee.nextFree
        e.pointee.state = .owned
        e.pointee.owner = current
        e.pointee.chargedTo = current
        e.pointee.borrows = 0
        e.pointee.parent = UInt32.max
        e.pointee.type = type.id
        e.pointee.elementType = type.element
        e.pointee.payload = payload
        k.pointee.liveObjects += 1
        k.pointee.domains[Int(current.raw)].objectsOwned += 1
        k.pointee.domains[Int(current.raw)].objectsCharged += 1
        return (ObjectID(index: index, generation: e.pointee.generation), payload)
    }

    /// The entry, if the current domain owns the object outright (it may write, move or drop it).
    @inline(__always) static func owned(_ id: ObjectID) throws(AccessError) -> UnsafeMutablePointer<ObjectEntry> {
        let e = try live(id)
        let current = kernelState.pointee.currentDomain
        guard e.pointee.state == .owned, e.pointee.owner == current else {
            throw .notOwner(id, owner: e.pointee.state == .owned ? e.pointee.owner : rootOwner(e), accessor: current)
        }
        return e
    }

    /// The entry, if the current domain may read the object: it owns it or the container at the
    /// root of its chain, or a frame on this thread lends it the object or a container on that
    /// chain.
    @inline(__always) static func readable(_ id: ObjectID) throws(AccessError) -> UnsafeMutablePointer<ObjectEntry> {
        let e = try live(id)
        let current = kernelState.pointee.currentDomain
        if e.pointee.state == .owned && e.pointee.owner == current { return e }
        var index = id.index
        var node = e
        while true {
            if node.pointee.borrows > 0 && isLent(ObjectID(index: index, generation: node.pointee.generation), to: current) {
                return e
            }
            guard node.pointee.state == .held else { break }
            index = node.pointee.parent
            node = entry(index)
        }
        if node.pointee.state == .owned && node.pointee.owner == current { return e }
        throw .notOwner(id, owner: node.pointee.owner, accessor: current)
    }

    /// The entry, if the current domain may write the object: it owns it or its root container,
    /// and neither is pinned (a lent object is read-only for the duration of the call).
    @inline(__always) static func writable(_ id: ObjectID) throws(AccessError) -> UnsafeMutablePointer<ObjectEntry> {
        let e = try live(id)
        let current = kernelState.pointee.currentDomain
        if e.pointee.state == .owned && e.pointee.owner == current {
            guard !e.pointee.isPinned else { throw .borrowed(id) }
            return e
        }
        // An element of a container the domain owns (nests are one level deep): its parent is
        // the root, found without the walk.
        if e.pointee.state == .held {
            let parent = entry(e.pointee.parent)
            if parent.pointee.state == .owned && parent.pointee.owner == current {
                guard !e.pointee.isPinned && !parent.pointee.isPinned else { throw .borrowed(id) }
                return e
            }
        }
        let root = self.root(e, index: id.index).1
        guard root.pointee.state == .owned && root.pointee.owner == current else {
            throw .notOwner(id, owner: root.pointee.owner, accessor: current)
        }
        guard !e.pointee.isPinned && !root.pointee.isPinned else { throw .borrowed(id) }
        return e
    }

    /// The entry of a container the current domain owns outright and that is not pinned: it may
    /// put elements in, take them out, or write them.
    @inline(__always) static func modifiable(_ id: ObjectID) throws(AccessError) -> UnsafeMutablePointer<ObjectEntry> {
        let e = try owned(id)
        guard !e.pointee.isPinned else { throw .borrowed(id) }
        return e
    }

    /// The container at the root of an object's nest (the object itself when it is not held).
    /// Nests are one level deep (elements are never containers); the walk is bounded by the
    /// table all the same, so that a corrupted parent chain cannot hold the kernel in a loop.
    static func root(_ e: UnsafeMutablePointer<ObjectEntry>, index: UInt32) -> (UInt32, UnsafeMutablePointer<ObjectEntry>) {
        var e = e
        var index = index
        var steps = 0
        while e.pointee.state == .held && steps < kernelState.pointee.configuration.objectCapacity {
            index = e.pointee.parent
            e = entry(index)
            steps += 1
        }
        return (index, e)
    }

    /// Checks that `id` is an object of the given type.
    @inline(__always) static func checkType(_ e: UnsafeMutablePointer<ObjectEntry>, _ id: ObjectID, _ type: UInt64) throws(AccessError) {
        guard e.pointee.type == type else { throw .typeMismatch(id) }
    }

    static func isLent(_ id: ObjectID, to domain: DomainID) -> Bool {
        let k = kernelState
        let thread = k.pointee.currentThread
        var depth = k.pointee.threads[Int(thread)].depth
        while depth > 0 {
            depth -= 1
            let f = k.pointee.frame(thread, depth)
            if f.pointee.callee == domain {
                for i in 0..<f.pointee.lentCount where f.pointee.lent[i] == id { return true }
            }
        }
        return false
    }

    /// The domain at the root of a chain of containers.
    static func rootOwner(_ e: UnsafeMutablePointer<ObjectEntry>) -> DomainID {
        root(e, index: 0).1.pointee.owner
    }

    /// Drops an object the current domain owns, with everything it holds.
    static func drop(_ id: ObjectID) throws(AccessError) {
        let e = try owned(id)
        guard !e.pointee.isPinned else { throw .borrowed(id) }
        reclaim(id.index)
    }

    /// Frees an object and, recursively, the elements it holds.
    static func reclaim(_ index: UInt32) {
        let k = kernelState
        let e = entry(index)
        if e.pointee.isContainer {
            let slots = ContainerLayout(e.pointee.payload.unsafelyUnwrapped)
            for i in 0..<slots.capacity {
                let element = slots[i]
                if element != .none { reclaim(element.index) }
            }
        }
        if e.pointee.state == .owned { k.pointee.domains[Int(e.pointee.owner.raw)].objectsOwned -= 1 }
        k.pointee.domains[Int(e.pointee.chargedTo.raw)].objectsCharged -= 1
        if let run = k.pointee.sharedHeap.free(e.pointee.payload.unsafelyUnwrapped) {
            Kernel.withPages { $0.freePages(run.base, run.pages) }
        }
        e.pointee.payload = nil
        e.pointee.type = 0
        e.pointee.elementType = 0
        e.pointee.state = .free
        e.pointee.borrows = 0
        e.pointee.parent = UInt32.max
        e.pointee.owner = .kernel
        e.pointee.generation &+= 1
        e.pointee.nextFree = k.pointee.freeObjectHead
        k.pointee.freeObjectHead = index
        k.pointee.liveObjects -= 1
    }

    /// Moves an object the current domain owns to `domain` (a `consuming` argument or result).
    @inline(__always) static func transfer(_ id: ObjectID, from: DomainID, to: DomainID) throws(AccessError) {
        let e = try live(id)
        guard e.pointee.state == .owned, e.pointee.owner == from else {
            throw .notOwner(id, owner: e.pointee.state == .owned ? e.pointee.owner : rootOwner(e), accessor: from)
        }
        guard !e.pointee.isPinned else { throw .borrowed(id) }
        let domains = kernelState.pointee.domains
        domains[Int(from.raw)].objectsOwned -= 1
        domains[Int(to.raw)].objectsOwned += 1
        e.pointee.owner = to
    }

    /// Puts an object the current domain owns into slot `slot` of a container of type `type`
    /// that it owns.
    @inline(__always)
    static func put(_ element: ObjectID, into container: ObjectID, type: UInt64, slot: Int) throws(AccessError) {
        let c = try modifiable(container)
        try checkType(c, container, type)
        let slots = ContainerLayout(c.pointee.payload.unsafelyUnwrapped)
        guard slot >= 0 && slot < slots.capacity && slots[slot] == .none else { throw .badSlot(container, slot) }
        let e = try owned(element)
        guard !e.pointee.isPinned else { throw .borrowed(element) }
        guard element != container else { throw .badSlot(container, slot) }
        guard e.pointee.type == c.pointee.elementType else { throw .typeMismatch(element) }
        kernelState.pointee.domains[Int(e.pointee.owner.raw)].objectsOwned -= 1
        e.pointee.state = .held
        e.pointee.parent = container.index
        slots[slot] = element
    }

    /// Takes the element in slot `slot` out of a container of type `type` the current domain owns.
    @inline(__always)
    static func take(from container: ObjectID, type: UInt64, slot: Int) throws(AccessError) -> ObjectID {
        let c = try modifiable(container)
        try checkType(c, container, type)
        let slots = ContainerLayout(c.pointee.payload.unsafelyUnwrapped)
        guard slot >= 0 && slot < slots.capacity && slots[slot] != .none else { throw .badSlot(container, slot) }
        let element = slots[slot]
        slots[slot] = .none
        let e = entry(element.index)
        e.pointee.state = .owned
        e.pointee.parent = UInt32.max
        e.pointee.owner = kernelState.pointee.currentDomain
        kernelState.pointee.domains[Int(e.pointee.owner.raw)].objectsOwned += 1
        return element
    }
}

extension SharedHeap {
    /// Two distinct containers the current domain may modify, of the types named and holding
    /// elements of one type (`elementType`, if named): the source and target of a move between
    /// containers.
    @inline(__always)
    static func containersForMove(_ source: ObjectID, _ sourceType: UInt64, _ target: ObjectID, _ targetType: UInt64,
                                  elementType: UInt64? = nil) throws(AccessError) -> (ContainerLayout, ContainerLayout) {
        let s = try modifiable(source)
        try checkType(s, source, sourceType)
        let t = try modifiable(target)
        try checkType(t, target, targetType)
        guard s.pointee.isContainer, t.pointee.isContainer, source != target,
              s.pointee.elementType == t.pointee.elementType, elementType.map({ $0 == t.pointee.elementType }) ?? true
        else { throw .typeMismatch(target) }
        return (ContainerLayout(s.pointee.payload.unsafelyUnwrapped), ContainerLayout(t.pointee.payload.unsafelyUnwrapped))
    }

    /// Moves the front element of deque `deque` into the empty slot `slot` of array `array`;
    /// the element's entry, or nil when the deque is empty.
    @inline(__always)
    static func moveFront(of deque: ObjectID, _ dequeType: UInt64, into array: ObjectID, _ arrayType: UInt64,
                          slot: Int, elementType: UInt64? = nil) throws(AccessError) -> UnsafeMutablePointer<ObjectEntry>? {
        let (d, a) = try containersForMove(deque, dequeType, array, arrayType, elementType: elementType)
        guard d.count > 0 else { return nil }
        guard slot >= 0 && slot < a.capacity && a[slot] == .none else { throw .badSlot(array, slot) }
        let e = try moveElement(d, d.head, into: a, slot, of: array)
        d.head = d.head &+ 1 == d.capacity ? 0 : d.head &+ 1
        d.count &-= 1
        return e
    }

    /// Moves the element in the occupied slot `from` of `source` into the empty slot `to` of
    /// `target`: `take` then `put` as one step, all or nothing (a lent element is refused, as
    /// `put` refuses it). The element stays held, so no owner or count changes.
    @inline(__always) @discardableResult
    static func moveElement(_ source: ContainerLayout, _ from: Int, into target: ContainerLayout, _ to: Int,
                            of targetID: ObjectID) throws(AccessError) -> UnsafeMutablePointer<ObjectEntry> {
        let element = source[from]
        // A deque's slots are checked as `take` and `put` check them, not taken on trust.
        guard element != .none && target[to] == .none else { throw .badSlot(targetID, to) }
        let e = entry(element.index)
        guard !e.pointee.isPinned else { throw .borrowed(element) }
        source[from] = .none
        target[to] = element
        e.pointee.parent = targetID.index
        return e
    }
}

extension SharedHeap {
    /// A new empty container owned by the current domain (RRefArray and RRefDeque).
    static func allocateContainer(_ type: PayloadType, capacity: Int) throws(KernelError) -> ObjectID {
        try Kernel.asKernel { () throws(KernelError) in
            guard capacity > 0 && capacity <= ContainerLayout.maximumCapacity else { throw .badCapacity(capacity) }
            let (id, payload) = try allocate(type)
            ContainerLayout(payload).initialize(capacity: capacity)
            return id
        }
    }

    /// The slots of container `id` of type `type`, if the current domain may read them (or,
    /// with `write`, change them).
    @inline(__always)
    static func slots(of id: ObjectID, _ type: UInt64, write: Bool) throws(AccessError) -> ContainerLayout {
        try Kernel.asKernel { () throws(AccessError) in try checkedSlots(of: id, type, write: write) }
    }

    /// The same, for code already running as the kernel.
    @inline(__always)
    static func checkedSlots(of id: ObjectID, _ type: UInt64, write: Bool) throws(AccessError) -> ContainerLayout {
        let e = write ? try modifiable(id) : try readable(id)
        try checkType(e, id, type)
        guard e.pointee.isContainer else { throw .typeMismatch(id) }
        return ContainerLayout(e.pointee.payload.unsafelyUnwrapped)
    }
}

/// A container's payload: a small header and `capacity` element IDs (`.none` for empty slots).
/// Usable from inlinable code: the inlined element accessors (HotPath.swift) read it.
@usableFromInline
struct ContainerLayout {
    @inlinable static var headerSize: Int { 16 }
    /// The most slots a container may have (its payload size stays far from overflowing).
    static let maximumCapacity = 1 << 16
    @usableFromInline let base: UnsafeMutableRawPointer
    @inlinable init(_ base: UnsafeMutableRawPointer) { self.base = base }

    static func payloadSize(capacity: Int) -> Int { headerSize + capacity * MemoryLayout<ObjectID>.stride }

    func initialize(capacity: Int) {
        base.storeBytes(of: capacity, as: Int.self)
        base.storeBytes(of: 0, toByteOffset: 8, as: UInt32.self)   // deque head
        base.storeBytes(of: 0, toByteOffset: 12, as: UInt32.self)  // deque count
        for i in 0..<capacity { self[i] = .none }
    }

    @inlinable var capacity: Int { base.load(as: Int.self) }
    @inlinable var head: Int {
        get { Int(base.load(fromByteOffset: 8, as: UInt32.self)) }
        nonmutating set { base.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: 8, as: UInt32.self) }
    }
    @inlinable var count: Int {
        get { Int(base.load(fromByteOffset: 12, as: UInt32.self)) }
        nonmutating set { base.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: 12, as: UInt32.self) }
    }

    /// Slot `slot`, which the caller has checked is below `capacity`.
    @inlinable subscript(slot: Int) -> ObjectID {
        get { base.load(fromByteOffset: Self.headerSize &+ slot &* MemoryLayout<ObjectID>.stride, as: ObjectID.self) }
        nonmutating set {
            base.storeBytes(of: newValue, toByteOffset: Self.headerSize &+ slot &* MemoryLayout<ObjectID>.stride, as: ObjectID.self)
        }
    }

    /// The slot of position `position` (0 = the front) of a deque, which the caller has checked
    /// is below `capacity` (`count` itself names the slot a push fills).
    @inlinable func slot(atPosition position: Int) -> Int {
        let slot = head &+ position
        return slot >= capacity ? slot &- capacity : slot
    }
}

extension Kernel {
    /// Objects the domain allocated that live on elsewhere count against the kernel from now on.
    static func dischargeObjects(of domain: DomainID) {
        let k = kernelState
        let d = Int(domain.raw)
        var i = 0
        while k.pointee.domains[d].objectsCharged > 0 && i < k.pointee.configuration.objectCapacity {
            let e = SharedHeap.entry(UInt32(i))
            if e.pointee.state != .free && e.pointee.chargedTo == domain {
                e.pointee.chargedTo = .kernel
                k.pointee.domains[d].objectsCharged -= 1
                k.pointee.domains[0].objectsCharged += 1
            }
            i += 1
        }
    }

    /// Reclaims every object the domain owns, with the elements of its containers.
    static func reclaimObjects(of domain: DomainID) {
        let k = kernelState
        var i = 0
        // The per-domain count says when the scan can stop.
        while k.pointee.domains[Int(domain.raw)].objectsOwned > 0 && i < k.pointee.configuration.objectCapacity {
            let e = SharedHeap.entry(UInt32(i))
            if e.pointee.state == .owned && e.pointee.owner == domain { SharedHeap.reclaim(UInt32(i)) }
            i += 1
        }
    }
}
