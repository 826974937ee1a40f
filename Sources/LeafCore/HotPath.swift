internal import CLeafGate

/// The checked operations behind RRef's and the containers' generic methods, as non-generic
/// entry points. The generic methods are inlinable shells: specialized in the caller, they pass
/// the type ID as a constant and do the load or store themselves at the element's known size,
/// so a driver's hot loop runs no generic code (no metadata, no witness calls) and every check
/// is one direct call. These functions are internal: domain code can reach them only through
/// the shells, which check every argument they pass.
///
/// A payload may be device memory (a ring, a buffer): element and field accessors put
/// `deviceOrder()` before a load and after a store, so that each is made then, not merged with
/// another or moved past a doorbell.
@usableFromInline
enum HeapAccess {
    /// A compiler barrier, out of line (a call the caller's optimizer cannot see into).
    @usableFromInline @inline(never)
    static func deviceOrder() { leaf_compiler_barrier() }

    /// The payload of `id`, if the current domain may read it (or, `writing`, write it) and it
    /// is of type `type`: the full check, behind the inlined common case below.
    @usableFromInline
    static func checkedPayload(_ id: ObjectID, type: UInt64, writing: Bool) throws(AccessError) -> UnsafeMutableRawPointer {
        try Kernel.asKernel { () throws(AccessError) in
            let e = writing ? try SharedHeap.writable(id) : try SharedHeap.readable(id)
            try SharedHeap.checkType(e, id, type)
            return e.pointee.payload.unsafelyUnwrapped
        }
    }

    /// The number of elements in container `id` of type `type`, if the current domain may read it.
    @usableFromInline
    static func count(_ id: ObjectID, type: UInt64) throws(AccessError) -> Int {
        try SharedHeap.slots(of: id, type, write: false).count
    }

    /// Appends `element` to deque `container` of type `type`.
    @usableFromInline
    static func push(_ element: ObjectID, into container: ObjectID, type: UInt64) throws(AccessError) {
        try Kernel.asKernel { () throws(AccessError) in
            let s = try SharedHeap.checkedSlots(of: container, type, write: true)
            guard s.count < s.capacity else { throw .full(container) }
            try SharedHeap.put(element, into: container, type: type, slot: s.slot(atPosition: s.count))
            s.count &+= 1
        }
    }

    /// Removes the front element of deque `container` of type `type`; nil when it is empty.
    @usableFromInline
    static func pop(from container: ObjectID, type: UInt64) throws(AccessError) -> ObjectID? {
        try Kernel.asKernel { () throws(AccessError) -> ObjectID? in
            let s = try SharedHeap.checkedSlots(of: container, type, write: true)
            guard s.count > 0 else { return nil }
            let element = try SharedHeap.take(from: container, type: type, slot: s.head)
            s.head = s.head &+ 1 == s.capacity ? 0 : s.head &+ 1
            s.count &-= 1
            return element
        }
    }

    /// Puts `element` into the empty slot `slot` of array `container` of type `type`.
    @usableFromInline
    static func put(_ element: ObjectID, into container: ObjectID, type: UInt64, slot: Int) throws(AccessError) {
        try Kernel.asKernel { () throws(AccessError) in try SharedHeap.put(element, into: container, type: type, slot: slot) }
    }

    /// Moves the front element of deque `deque` into the empty slot `slot` of array `array`, in
    /// one step (pop then put, the element held throughout): the element's payload, which the
    /// current domain may now write, or nil when the deque is empty.
    @usableFromInline
    static func moveFront(of deque: ObjectID, type dequeType: UInt64, into array: ObjectID, type arrayType: UInt64,
                          slot: Int) throws(AccessError) -> UnsafeMutableRawPointer? {
        try Kernel.asKernel { () throws(AccessError) -> UnsafeMutableRawPointer? in
            try SharedHeap.moveFront(of: deque, dequeType, into: array, arrayType, slot: slot)?.pointee.payload
        }
    }

    /// Moves the element in slot `slot` of array `array` to the back of deque `deque`, in one
    /// step (take then push): the element's payload, which the current domain may now write.
    @usableFromInline
    static func move(slot: Int, of array: ObjectID, type arrayType: UInt64, toBackOf deque: ObjectID,
                     type dequeType: UInt64) throws(AccessError) -> UnsafeMutableRawPointer {
        try Kernel.asKernel { () throws(AccessError) -> UnsafeMutableRawPointer in
            let (a, d) = try SharedHeap.containersForMove(array, arrayType, deque, dequeType)
            guard slot >= 0 && slot < a.capacity && a[slot] != .none else { throw .badSlot(array, slot) }
            guard d.count < d.capacity else { throw .full(deque) }
            let e = try SharedHeap.moveElement(a, slot, into: d, d.slot(atPosition: d.count), of: deque)
            d.count &+= 1
            return e.pointee.payload.unsafelyUnwrapped
        }
    }

    /// Takes the element out of slot `slot` of array `container` of type `type`.
    @usableFromInline
    static func take(from container: ObjectID, type: UInt64, slot: Int) throws(AccessError) -> ObjectID {
        try Kernel.asKernel { () throws(AccessError) in try SharedHeap.take(from: container, type: type, slot: slot) }
    }
}

/// The common case of the value checks, inlined into the caller: the object is live, of the
/// type named, and the current domain owns it outright (to write: and has lent none of it).
/// Anything else (an element of a container, a lent object, a stale or foreign reference)
/// goes to the full check out of line, which decides or throws. Nothing here can trap.
/// With no opaque call between two checks, the optimizer may reuse one check's result for the
/// next: sound because only a domain's own code changes what it owns between its calls out
/// (Rv6's programs, the one domain code the timer preempts, each run in a domain of their own
/// on one thread), another domain can take it only by crashing it, and a thread in a domain
/// that crashed never resumes there (it is unwound before it runs again).
extension HeapAccess {
    /// The entry of `id` in the common case, or nil.
    @inlinable @inline(__always)
    static func ownedEntry(_ id: ObjectID, type: UInt64, writing: Bool) -> UnsafeMutablePointer<ObjectEntry>? {
        let k = kernelStatePointer.unsafelyUnwrapped
        guard Int(id.index) < k.pointee.objectCapacity else { return nil }
        let e = k.pointee.objects + Int(id.index)
        guard e.pointee.generation == id.generation, e.pointee.state == .owned,
              e.pointee.owner.raw == k.pointee.currentDomain.raw, e.pointee.type == type,
              !writing || e.pointee.borrows == 0
        else { return nil }
        return e
    }

    @inlinable @inline(__always)
    static func ownedPayload(_ id: ObjectID, type: UInt64, writing: Bool) -> UnsafeMutableRawPointer? {
        ownedEntry(id, type: type, writing: writing)?.pointee.payload
    }

    /// The number of elements in container `id`: read in place when the current domain owns it
    /// outright, else by the full check (which decides or throws).
    @inlinable @inline(__always)
    static func elementCount(_ id: ObjectID, type: UInt64) throws(AccessError) -> Int {
        if let c = ownedEntry(id, type: type, writing: false) { return ContainerLayout(c.pointee.payload.unsafelyUnwrapped).count }
        return try count(id, type: type)
    }

    @inlinable @inline(__always)
    static func payload(reading id: ObjectID, type: UInt64) throws(AccessError) -> UnsafeMutableRawPointer {
        if let payload = ownedPayload(id, type: type, writing: false) { return payload }
        return try checkedPayload(id, type: type, writing: false)
    }

    @inlinable @inline(__always)
    static func payload(writing id: ObjectID, type: UInt64) throws(AccessError) -> UnsafeMutableRawPointer {
        if let payload = ownedPayload(id, type: type, writing: true) { return payload }
        return try checkedPayload(id, type: type, writing: true)
    }
}

/// An element of a container, reached in place (a field of a frame in a batch, the status of a
/// request in flight) without taking it out. The common case, inlined: the container is of the
/// type named and owned outright by the current domain (to write: and neither it nor the
/// element is lent); the element is held in it. Anything else goes to the full check, which
/// applies the rules of `SharedHeap.readable`/`writable` to the element itself. These are not
/// device polls (no `deviceOrder`): a driver polls its rings with `RRef.read(at:)` and orders
/// what follows with `Fence.afterCompletion`, and a doorbell is a call no store moves past.
extension HeapAccess {
    /// The element in slot `slot` of `container` (with `fromFront`, the element at position
    /// `slot` of a deque, counted from its front), in the common case, or nil.
    @inlinable @inline(__always)
    static func ownedElementPayload(_ container: ObjectID, type: UInt64, slot: Int, fromFront: Bool,
                                    writing: Bool) -> UnsafeMutableRawPointer? {
        guard let c = ownedEntry(container, type: type, writing: writing) else { return nil }
        let slots = ContainerLayout(c.pointee.payload.unsafelyUnwrapped)
        guard slot >= 0, slot < (fromFront ? slots.count : slots.capacity) else { return nil }
        return heldElementPayload(slots[fromFront ? slots.slot(atPosition: slot) : slot], in: container,
                                  elementType: c.pointee.elementType, writing: writing)
    }

    /// Element `id` of `container`, whose elements are of `elementType`, in the common case: it
    /// is held there, of that type, and (to write) not lent; else nil.
    @inlinable @inline(__always)
    static func heldElementPayload(_ id: ObjectID, in container: ObjectID, elementType: UInt64,
                                   writing: Bool) -> UnsafeMutableRawPointer? {
        let k = kernelStatePointer.unsafelyUnwrapped
        guard Int(id.index) < k.pointee.objectCapacity else { return nil }
        let e = k.pointee.objects + Int(id.index)
        guard e.pointee.generation == id.generation, e.pointee.state == .held, e.pointee.parent == container.index,
              e.pointee.type == elementType, !writing || e.pointee.borrows == 0
        else { return nil }
        return e.pointee.payload
    }

    /// The full check behind it: the element's own access rules, or why not.
    @usableFromInline
    static func checkedElementPayload(_ container: ObjectID, type: UInt64, slot: Int, fromFront: Bool,
                                      writing: Bool) throws(AccessError) -> UnsafeMutableRawPointer {
        try Kernel.asKernel { () throws(AccessError) in
            let slots = try SharedHeap.checkedSlots(of: container, type, write: false)
            guard slot >= 0, slot < (fromFront ? slots.count : slots.capacity) else { throw .badSlot(container, slot) }
            let id = slots[fromFront ? slots.slot(atPosition: slot) : slot]
            guard id != .none else { throw .badSlot(container, slot) }
            let e = writing ? try SharedHeap.writable(id) : try SharedHeap.readable(id)
            return e.pointee.payload.unsafelyUnwrapped
        }
    }

    @inlinable @inline(__always)
    static func elementPayload(_ container: ObjectID, type: UInt64, slot: Int, fromFront: Bool,
                               writing: Bool) throws(AccessError) -> UnsafeMutableRawPointer {
        if let payload = ownedElementPayload(container, type: type, slot: slot, fromFront: fromFront, writing: writing) {
            return payload
        }
        return try checkedElementPayload(container, type: type, slot: slot, fromFront: fromFront, writing: writing)
    }
}

/// Every element of a deque, front to back, in one pass: the deque checked once (it cannot
/// change while the pass runs: the caller holds it exclusively, and an element is reachable
/// only through it), then each element by `heldElementPayload`, as `ownedElementPayload` does.
extension HeapAccess {
    /// Hands `body` the payload of each element of deque `container` (writable), and returns
    /// how many there were; throws the first refusal, `body` having had the elements before it.
    @inlinable @inline(__always)
    static func eachElementPayload(_ container: ObjectID, type: UInt64,
                                   _ body: (UnsafeMutableRawPointer) -> Void) throws(AccessError) -> Int {
        guard let c = ownedEntry(container, type: type, writing: true) else {
            // Not the common case: the full check, element by element.
            let count = try count(container, type: type)
            for position in 0..<count {
                body(try checkedElementPayload(container, type: type, slot: position, fromFront: true, writing: true))
            }
            return count
        }
        let slots = ContainerLayout(c.pointee.payload.unsafelyUnwrapped)
        let elementType = c.pointee.elementType
        for position in 0..<slots.count {
            let id = slots[slots.slot(atPosition: position)]
            if let payload = heldElementPayload(id, in: container, elementType: elementType, writing: true) {
                body(payload)
            } else {
                body(try checkedElementPayload(container, type: type, slot: position, fromFront: true, writing: true))
            }
        }
        return slots.count
    }
}
