import LeafInterfaces
import LeafSDK

/// A domain that implements `Probe`: every piece of its state lives in the instance it exports,
/// so tearing the domain down frees all of it. Never compiled; the domain audit must find
/// nothing wrong with it.
public final class CounterDomain: Probe {
    /// Constants of values are fine as statics.
    static let batchLimit = 32
    static let greeting = "counter"
    /// A computed static with only a getter holds no state.
    static var name: String { greeting + " domain" }

    private let id: Int
    private var calls = 0
    private var kept: RRef<Int>?
    private var history: InlineArray<8, Int> = .init(repeating: 0)
    private lazy var doubler: (Int) -> Int = { [unowned self] value in value * 2 + self.id }
    private weak var peer: CounterDomain?

    public init(id: Int) {
        self.id = id
    }

    public func ping() throws(RpcError) {
        calls += 1
    }

    public func add(_ a: Int, _ b: Int) throws(RpcError) -> Int {
        calls += 1
        let (sum, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw RpcError.invalidArgument }
        history[calls % 8] = sum
        return sum
    }

    public func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int {
        let seen = try read(value)
        kept = consume value
        return seen
    }

    public func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        doubler(try read(value))
    }

    public func make(_ value: Int) throws(RpcError) -> RRef<Int> {
        do { return try RRef(value) } catch { throw RpcError.invalidArgument }
    }

    public func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> {
        try make(try read(value) + 1)
    }

    public func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> {
        values
    }

    public func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        let total = (0..<Int(route.count)).reduce(0) { partial, index in partial + Int(route.hops[index]) }
        return total + (try read(value))
    }

    public func trap(_ kind: TrapKind) throws(RpcError) {
        switch kind {
        case .indexOutOfRange: _ = history[8 + calls]
        case .nilUnwrap: _ = peer!.id
        case .overflow: _ = Int.max + calls
        case .divisionByZero: _ = calls / (calls - calls)
        case .fatalError: fatalError("asked to trap")
        }
    }

    /// A refused read (the object is not ours, or gone) refuses the call.
    private func read(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        do { return try value.read() } catch { throw RpcError.ownershipViolation }
    }
}

/// Value types and extensions of the domain's own; a plain `let` of a value at file level.
let defaultCapacity = 16

struct Tally: Equatable {
    var hits = 0
    var misses = 0
    /// Built on each use: a static `let` of it would outlive the domain's heap.
    static var empty: Tally { Tally() }
    mutating func record(_ hit: Bool) { if hit { hits += 1 } else { misses += 1 } }
}

extension CounterDomain {
    var summary: String { "\(Self.name): \(calls) calls" }
}
