import LeafCore
import LeafInterfaces
import LeafProxies

/// A Probe domain's implementation for the tests: it keeps what is moved to it, makes new
/// objects on request, relays along routes through the other probes, and traps when told.
final class TestProbe: Probe {
    /// Proxies of every probe domain, by domain ID, for relaying.
    let directory: ProbeDirectory
    init(directory: ProbeDirectory) { self.directory = directory }

    func ping() throws(RpcError) {}
    func add(_ a: Int, _ b: Int) throws(RpcError) -> Int { a &+ b }

    func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int {
        guard let v = try? value.read() else { throw .invalidArgument }
        _ = value._relinquish()   // stays owned by this domain until it is torn down
        return v
    }

    func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        do { return try value.read() } catch { throw .invalidArgument }
    }

    func make(_ value: Int) throws(RpcError) -> RRef<Int> {
        if let smuggled = ProbeHooks.makeReturns { return RRef(_adopting: smuggled) }
        do { return try RRef(value) } catch { throw .invalidArgument }
    }

    func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> {
        guard let v = try? value.read() else { throw .invalidArgument }
        do { return try RRef(v &+ 1) } catch { throw .invalidArgument }
    }

    func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> {
        // Increment every element in place: pop, write, push back.
        guard let n = try? values.count() else { throw .invalidArgument }
        for _ in 0..<n {
            guard var element = try? values.pop() else { throw .invalidArgument }
            try? element.update { $0 &+= 1 }
            if values.push(element) != nil { throw .invalidArgument }
        }
        return values
    }

    func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        if Int(route.trapAt) == hop { commit(route.trap) }
        guard hop < Int(route.count) else {
            ProbeHooks.atInnermostHop?()
            return try inspect(value)
        }
        let next = DomainID(route.hops[hop])
        guard let proxy = directory.proxies[next] else { throw .invalidArgument }
        return try proxy.relay(route, hop + 1, value)
    }

    func trap(_ kind: TrapKind) throws(RpcError) { commit(kind) }
}

/// Commits the Swift trap `kind` (each is a `ud2` in the compiled code).
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
    }
}

@inline(never) func opaqueZero() -> Int { ProcessInfoShim.zero }
enum ProcessInfoShim { nonisolated(unsafe) static var zero = 0 }

/// The probe domains of one test, with their proxies.
final class ProbeDirectory {
    var proxies: [DomainID: ProbeProxy] = [:]

    /// A new live probe domain (through the generated glue: a restart rebinds the proxy).
    @discardableResult
    func spawn(_ name: String = "probe") throws -> ProbeProxy {
        let proxy = try ProbeProxy.spawn(name: name) { [unowned self] in TestProbe(directory: self) }
        proxies[proxy.domain] = proxy
        return proxy
    }
}

/// Lets a test look at the kernel from inside the innermost call of a relay.
enum ProbeHooks {
    nonisolated(unsafe) static var atInnermostHop: (() -> Void)? = nil
    /// When set, `make` returns a reference to this object instead of a new one of its own.
    nonisolated(unsafe) static var makeReturns: ObjectID? = nil
}
