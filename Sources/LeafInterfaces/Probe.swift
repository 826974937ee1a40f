import LeafSDK

/// A fault a probe domain can be asked to commit, one per kind of Swift trap, and a stack
/// overflow (recursion into the stack's guard page). `simultaneousAccess` is an exclusivity violation (two overlapping modifications of a class's
/// stored property), a trap where dynamic exclusivity checks are compiled in: host builds of
/// domain code; Embedded Swift 6.3 has none, so on bare metal the two writes just overlap.
public enum TrapKind: UInt8, BitwiseCopyable, CaseIterable, Sendable {
    case indexOutOfRange, nilUnwrap, overflow, divisionByZero, fatalError, simultaneousAccess, stackOverflow
}

/// Where a relayed call goes: up to 6 further domains, and the hop (if any) that traps.
public struct Route: BitwiseCopyable, Sendable {
    public var hops: InlineArray<6, UInt16>
    public var count: UInt8
    /// The index of the hop that traps instead of answering, or 0xFF for none.
    public var trapAt: UInt8
    public var trap: TrapKind

    public init(_ domains: [DomainID], trapAt: Int? = nil, trap: TrapKind = .fatalError) {
        precondition(domains.count <= 6, "a route has at most 6 hops")
        hops = .init(repeating: 0)
        for (i, d) in domains.enumerated() { hops[i] = d.raw }
        count = UInt8(domains.count)
        self.trapAt = trapAt.map { UInt8($0) } ?? 0xFF
        self.trap = trap
    }
}

/// The interface the tests and benchmarks call: one method per way of crossing a boundary.
public protocol Probe: AnyObject {
    /// No arguments, no result: the bare cost of the gate.
    func ping() throws(RpcError)
    /// Copies in, copies out.
    func add(_ a: Int, _ b: Int) throws(RpcError) -> Int
    /// Moves an object in; the callee keeps it. Returns its value.
    func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int
    /// Lends an object for the call. Returns its value.
    func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int
    /// Moves a new object of the callee's out.
    func make(_ value: Int) throws(RpcError) -> RRef<Int>
    /// Moves an object in and another out.
    func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int>
    /// Moves a batch in and out.
    func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32>
    /// Calls the next hop of `route` (lending `value` on), or answers with the value's value.
    func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int
    /// Traps.
    func trap(_ kind: TrapKind) throws(RpcError)
}
