@_spi(Kernel) import LeafCore
import LeafInterfaces

/// A Probe whose methods do as little as possible, so that a benchmark measures the gate:
/// what moves in moves straight back out.
final class BenchProbe: Probe {
    func ping() throws(RpcError) {}
    func add(_ a: Int, _ b: Int) throws(RpcError) -> Int { a &+ b }
    func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int { _ = value._relinquish(); return 0 }
    func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int { 0 }
    func make(_ value: Int) throws(RpcError) -> RRef<Int> { throw .invalidArgument }
    func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> { value }
    func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> { values }
    func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int { 0 }
    func trap(_ kind: TrapKind) throws(RpcError) {}
}
