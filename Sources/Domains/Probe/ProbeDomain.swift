import LeafInterfaces
import LeafSDK

/// The probe domain: one method per way of crossing a boundary. It keeps what is moved to it,
/// makes new objects on request, relays along routes through other probe domains, and traps
/// when told. It is an ordinary domain: strictly memory safe, it sees only the SDK and the
/// interfaces, and reaches other domains only through the proxies it is handed.
public final class ProbeDomain: Probe {
    /// The other probes a route can name, as their proxies; given by whoever creates the domain.
    let peers: (DomainID) -> (any Probe)?
    /// Called at the innermost hop of a relay, before it answers (lets a test look at the
    /// kernel from inside the deepest call).
    let atInnermostHop: (() -> Void)?
    /// What `keep` was given, newest first: it stays this domain's until the domain dies.
    var kept: Kept? = nil

    public init(peers: @escaping (DomainID) -> (any Probe)?, atInnermostHop: (() -> Void)? = nil) {
        self.peers = peers
        self.atInnermostHop = atInnermostHop
    }

    public func ping() throws(RpcError) {}
    public func add(_ a: Int, _ b: Int) throws(RpcError) -> Int { a &+ b }

    public func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int {
        guard let v = try? value.read() else { throw .invalidArgument }
        kept = Kept(value, next: kept)
        return v
    }

    public func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        do { return try value.read() } catch { throw .invalidArgument }
    }

    public func make(_ value: Int) throws(RpcError) -> RRef<Int> {
        do { return try RRef(value) } catch { throw .invalidArgument }
    }

    public func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> {
        guard let v = try? value.read() else { throw .invalidArgument }
        do { return try RRef(v &+ 1) } catch { throw .invalidArgument }
    }

    public func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> {
        // Increment every element in place: pop, write, push back.
        guard let n = try? values.count() else { throw .invalidArgument }
        for _ in 0..<n {
            guard var element = try? values.pop() else { throw .invalidArgument }
            try? element.update { $0 &+= 1 }
            if values.push(element) != nil { throw .invalidArgument }
        }
        return values
    }

    public func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        if Int(route.trapAt) == hop { commit(route.trap) }
        guard hop < Int(route.count) else {
            atInnermostHop?()
            return try inspect(value)
        }
        guard let next = peers(DomainID(route.hops[hop])) else { throw .invalidArgument }
        return try next.relay(route, hop + 1, value)
    }

    public func trap(_ kind: TrapKind) throws(RpcError) { commit(kind) }
}

/// A list of kept objects (Swift arrays cannot hold non-copyable elements).
final class Kept {
    let value: RRef<Int>
    let next: Kept?
    init(_ value: consuming RRef<Int>, next: Kept?) {
        self.value = value
        self.next = next
    }
}

/// Zero, read back from the shared heap.
func opaqueZero() -> Int {
    guard let cell = try? RRef(0) else { return 0 }
    return (try? cell.read()) ?? 0
}

/// Commits the Swift trap `kind` (each is a `ud2` in the compiled code). The zero comes from
/// the shared heap, where the optimizer cannot see it, so that each trap happens at run time.
@inline(never)
func commit(_ kind: TrapKind) {
    let zero = opaqueZero()
    switch kind {
    case .indexOutOfRange:
        let array = [1, 2, 3]
        _ = array[3 + zero]
    case .nilUnwrap:
        let missing: Int? = zero == 0 ? nil : 1
        _ = missing!
    case .overflow:
        _ = Int.max + (1 + zero)
    case .divisionByZero:
        _ = 1 / zero
    case .fatalError:
        fatalError("probe asked to trap")
    case .simultaneousAccess:
        let tally = Tally()
        bump(&tally.count) { tally.count += 1 + zero }
    case .stackOverflow:
        _ = descend(zero)
    }
}

/// Recursion that ends only in the stack's guard page. On bare metal each frame is larger than
/// the guard page: the domain's code is built with stack probes (Makefile), so the frame's pages
/// are touched from the top down and the guard stops it, where without them the frame would
/// step over the guard into what lies below. On the host (no probes, one-page guards under
/// thread stacks) the frames stay smaller than a page.
@inline(never)
func descend(_ depth: Int) -> Int {
    #if hasFeature(Embedded)
    var frame = InlineArray<10240, Int>(repeating: depth)  // 80 KiB: more than a whole kernel stack
    #else
    var frame = InlineArray<256, Int>(repeating: depth)    // 2 KiB
    #endif
    if depth == Int.max { return 0 }
    frame[depth & 255] = descend(depth &+ 1)
    return frame[(depth &+ 1) & 255]
}

/// A counter, and a modification of it that runs other code while it is in progress: `bump`
/// of `tally.count` with a closure that modifies `tally.count` too is an exclusivity violation
/// only a dynamic check sees (the property is a class's).
final class Tally {
    var count = 0
}

func bump(_ value: inout Int, during: () -> Void) {
    during()
    value += 1
}
