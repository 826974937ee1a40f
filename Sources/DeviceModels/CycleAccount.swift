/// The cycles a model and the host back-end spend on a driver's behalf, for a benchmark to
/// subtract from what the driver's calls took: each timed region adds its cycles and counts
/// itself. A region also costs about one counter read outside itself (before its first read
/// and after its last), which the benchmark calibrates and subtracts per region.
public final class CycleAccount {
    let counter: () -> UInt64
    public private(set) var cycles: UInt64 = 0
    public private(set) var regions: UInt64 = 0

    public init(counter: @escaping () -> UInt64) { self.counter = counter }

    @inline(__always)
    public func measure<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let start = counter()
        defer { cycles &+= counter() &- start; regions &+= 1 }
        return try body()
    }
}

extension Optional where Wrapped == CycleAccount {
    /// `body`, timed if there is an account.
    @inline(__always)
    func measure<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        guard let account = self else { return try body() }
        return try account.measure(body)
    }
}
