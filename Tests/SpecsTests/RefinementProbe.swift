@_spi(Kernel) import LeafCore
import LeafInterfaces

/// The Probe a refinement sequence's domains export: every method that receives a call hands
/// control back to the driver, which runs the next steps of the sequence inside the callee
/// until the sequence returns. `trap` commits a real Swift trap.
final class RefinementProbe: Probe {
    weak var driver: RefinementDriver?
    init(driver: RefinementDriver?) { self.driver = driver }

    func ping() throws(RpcError) { driver?.runInsideCall() }
    func add(_ a: Int, _ b: Int) throws(RpcError) -> Int { a &+ b }

    func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int {
        driver?.runInsideCall()
        _ = value._relinquish()   // the callee keeps it
        return 0
    }

    func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        driver?.runInsideCall()
        return 0
    }

    func make(_ value: Int) throws(RpcError) -> RRef<Int> {
        let made: RRef<Int>
        do { made = try RRef(value) } catch { throw .invalidArgument }
        driver?.madeInsideCall(made.id)
        driver?.runInsideCall()
        driver?.returningMade(made.id)
        return made
    }

    func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> {
        driver?.runInsideCall()
        driver?.returningMade(value.id)
        return value
    }
    func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> { throw .invalidArgument }
    func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int { throw .invalidArgument }

    func trap(_ kind: TrapKind) throws(RpcError) { commitTrap(kind) }
}

/// A failed Swift check: a `ud2` that the host platform turns into a domain crash. An index out
/// of range goes through the runtime's fatal-error reporter first, which keeps about 73 KB a
/// report (it expects the process to end: measured by LeakProbeTests, none for an overflow
/// trap); an arithmetic overflow traps at once.
@inline(never) func commitTrap(_ kind: TrapKind) {
    if kind == .indexOutOfRange {
        let array = [1, 2, 3]
        _ = array[3 + TrapShim.zero]
    }
    _ = (Int.max - TrapShim.zero) + 1
}

enum TrapShim { nonisolated(unsafe) static var zero = 0 }
