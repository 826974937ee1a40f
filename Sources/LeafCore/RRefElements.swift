/// One element of an RRef whose payload is an InlineArray (a buffer, a descriptor ring), read or
/// written in place: checked like the whole payload (owner or borrower to read, owner to write,
/// its type) and against the array's bounds, without copying the rest. A device may change the
/// other elements meanwhile (a completion queue): each access is a fresh load or a store made now.
extension RRef {
    /// Allocates an array payload with every element `element`, filled in place: a ring of
    /// 64 KiB needs no 64 KiB value on the stack first (a kernel thread's whole stack).
    public init<let count: Int, Element: Exchangeable>(repeating element: Element) throws(KernelError)
    where T == InlineArray<count, Element> {
        let (id, payload) = try Kernel.asKernel { () throws(KernelError) in try SharedHeap.allocate(.value(T.self)) }
        for i in 0..<count { payload.storeBytes(of: element, toByteOffset: i &* MemoryLayout<Element>.stride, as: Element.self) }
        self.id = id
    }

    @inlinable @inline(__always)
    public func read<let count: Int, Element: Exchangeable>(at index: Int) throws(AccessError) -> Element
    where T == InlineArray<count, Element> {
        let payload = try HeapAccess.payload(reading: id, type: T.exchangeableTypeID)
        guard index >= 0, index < count else { throw .badElement(id, index) }
        HeapAccess.deviceOrder()
        return payload.load(fromByteOffset: index &* MemoryLayout<Element>.stride, as: Element.self)
    }

    @inlinable @inline(__always)
    public mutating func write<let count: Int, Element: Exchangeable>(_ value: Element, at index: Int) throws(AccessError)
    where T == InlineArray<count, Element> {
        let payload = try HeapAccess.payload(writing: id, type: T.exchangeableTypeID)
        guard index >= 0, index < count else { throw .badElement(id, index) }
        payload.storeBytes(of: value, toByteOffset: index &* MemoryLayout<Element>.stride, as: Element.self)
        HeapAccess.deviceOrder()
    }
}
