@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import ProbeDomain

/// The probe domains of one test, with their proxies: each is the `ProbeDomain` module, which
/// reaches the others through the proxies this directory hands it.
final class ProbeDirectory {
    var proxies: [DomainID: ProbeProxy] = [:]

    /// A new live probe domain (through the generated glue: a restart rebinds the proxy).
    @discardableResult
    func spawn(_ name: String = "probe") throws -> ProbeProxy {
        let proxy = try ProbeProxy.spawn(name: name) { [unowned self] in
            ProbeDomain(peers: { [unowned self] in self.proxies[$0] }, atInnermostHop: { ProbeHooks.atInnermostHop?() })
        }
        proxies[proxy.domain] = proxy
        return proxy
    }
}

/// Lets a test look at the kernel from inside the innermost call of a relay.
enum ProbeHooks {
    nonisolated(unsafe) static var atInnermostHop: (() -> Void)? = nil
}

/// The base of the tests' own probe doubles: every method refuses, each double overrides
/// what it is about.
class StubProbe: Probe {
    func ping() throws(RpcError) {}
    func add(_ a: Int, _ b: Int) throws(RpcError) -> Int { a &+ b }
    func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int { throw .invalidArgument }
    func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int { throw .invalidArgument }
    func make(_ value: Int) throws(RpcError) -> RRef<Int> { throw .invalidArgument }
    func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> { throw .invalidArgument }
    func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> { throw .invalidArgument }
    func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int { throw .invalidArgument }
    func trap(_ kind: TrapKind) throws(RpcError) {}
}

/// A test double that only trusted code can write: it hands back, as its result, a reference to
/// an object it does not own (a domain cannot: adopting an ID is kernel SPI).
final class ForgingProbe: StubProbe {
    let forged: ObjectID
    init(returning forged: ObjectID) { self.forged = forged }
    override func make(_ value: Int) throws(RpcError) -> RRef<Int> { RRef(_adopting: forged) }
}
