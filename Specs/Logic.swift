/// The operations a specification is written in. Every spec is generic over it, so the same
/// Swift code runs as the reference model (`Concrete`: Int and Bool) and, in `verify`, builds
/// Z3 terms (integers and booleans) from which the proof obligations are made. There is no
/// second copy of any transition for the prover.
public protocol Logic {
    /// An integer: an index into a table, a count, a state code, or `Encoding.none`.
    associatedtype Value
    /// A proposition.
    associatedtype Truth
    /// A table of values over a universe's rows, or over threads × frames (a frame table): an
    /// array in a bounded logic (a frame table's row `t * frames + f`).
    associatedtype Table
    /// A table of propositions, likewise.
    associatedtype Flags

    func constant(_ n: Int) -> Value
    func truth(_ b: Bool) -> Truth
    func equal(_ a: Value, _ b: Value) -> Truth
    func less(_ a: Value, _ b: Value) -> Truth
    func plus(_ a: Value, _ b: Value) -> Value
    func minus(_ a: Value, _ b: Value) -> Value
    func all(_ terms: [Truth]) -> Truth
    func any(_ terms: [Truth]) -> Truth
    func not(_ a: Truth) -> Truth
    /// Both propositions are true or both are false.
    func same(_ a: Truth, _ b: Truth) -> Truth
    func choose(_ condition: Truth, _ then: Value, _ otherwise: Value) -> Value
    func choose(_ condition: Truth, _ then: Truth, _ otherwise: Truth) -> Truth

    // Universes. Each operation names its universe `u` and gives the number of rows a bounded
    // logic has in it (`rows`, from the spec's `Bounds`); an unbounded logic binds a variable
    // over a size of its own instead. A frame table's universe is threads × frames.

    /// The number of rows of `u`.
    func size(_ u: Universe, rows: Int) -> Value
    /// `body` holds for every (for some) row of `u`. The concrete logic stops at the first row
    /// that decides, and builds no list.
    func forAll(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> Truth
    func exists(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> Truth
    /// How many rows of `u` satisfy `body` (of threads × frames: frame slots).
    func count(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> Value
    func count(threads: Int, frames: Int, _ body: (Value, Value) -> Truth) -> Value
    /// One above the highest row of `u` for which `body` holds, or 0 when none does.
    func oneAboveHighest(_ u: Universe, rows: Int, where body: (Value) -> Truth) -> Value

    /// The table (the flags) whose row i of `u` is `body(i)`.
    func tabulate(_ u: Universe, rows: Int, _ body: (Value) -> Value) -> Table
    func flags(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> Flags
    /// The frame table (flags) whose cell (thread, frame) is `body(thread, frame)`.
    func tabulate(threads: Int, frames: Int, _ body: (Value, Value) -> Value) -> Table
    func flags(threads: Int, frames: Int, _ body: (Value, Value) -> Truth) -> Flags
    /// `table[i]`, or `otherwise` when `i` names no row. (A symbolic logic unfolds it into a
    /// choice over the rows; a concrete one indexes.)
    func select(_ table: Table, _ i: Value, otherwise: Value) -> Value
    func select(flags table: Flags, _ i: Value, otherwise: Truth) -> Truth
    /// The cell (row, column) of a frame table of `columns` columns, or `otherwise`.
    func select(_ table: Table, row: Value, column: Value, columns: Int, otherwise: Value) -> Value
    func select(flags table: Flags, row: Value, column: Value, columns: Int, otherwise: Truth) -> Truth
    /// The cell of row `row`'s top frame, at `top` - 1, or `otherwise` when `top` is 0.
    func selectTop(_ table: Table, row: Value, top: Value, columns: Int, otherwise: Value) -> Value
    /// `table` with row i (if it names one) set to `change(table[i], applies)`, where `applies`
    /// is what must hold for the row changed to be row i.
    func update(_ table: Table, _ i: Value, _ change: (Value, Truth) -> Value) -> Table
    func store(flags table: Flags, _ i: Value, _ v: Truth) -> Flags
    /// Row by row, `then` where `condition` holds, else `otherwise`.
    func pick(_ condition: Truth, _ then: Table, _ otherwise: Table) -> Table
    func pick(_ condition: Truth, flags then: Flags, _ otherwise: Flags) -> Flags
    /// Row k of `u`: how many rows of `keys` equal k (a histogram; keys outside `u`,
    /// `Encoding.none` among them, are not counted). Every count the specification keeps is one
    /// of these.
    func tally(_ keys: Table, into u: Universe, rows: Int) -> Table

    /// Whether the spec may fold over a universe's rows one by one (each a constant): true of
    /// a bounded logic. Where it may not, the fold's result is `arbitrary`: some value, about
    /// which nothing is known.
    var unrolls: Bool { get }
    /// `fact`, made while rows of tables are being built (inside `tabulate`, `forAll`, ...),
    /// for every row being built: what a bounded logic, which builds each row as a constant,
    /// has already. (The no-overflow facts of a step are recorded so.)
    func forEveryBinding(_ fact: Truth) -> Truth
    func arbitrary() -> Value
    func arbitrary(like table: Table) -> Table
}

/// A logic whose tables are arrays of its values, one per row: the concrete one and the finite
/// Z3 encoding. Every table operation has its meaning here, row by row.
public protocol BoundedLogic: Logic where Table == [Value], Flags == [Truth] {}

extension BoundedLogic {
    public var unrolls: Bool { true }
    public func forEveryBinding(_ fact: Truth) -> Truth { fact }
    public func arbitrary() -> Value { fatalError("a bounded logic unrolls every fold") }
    public func arbitrary(like table: [Value]) -> [Value] { fatalError("a bounded logic unrolls every fold") }

    public func size(_ u: Universe, rows: Int) -> Value { constant(rows) }
    public func forAll(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> Truth { all((0..<rows).map { body(constant($0)) }) }
    public func exists(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> Truth { any((0..<rows).map { body(constant($0)) }) }
    public func count(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> Value { count((0..<rows).map { body(constant($0)) }) }
    public func count(threads: Int, frames: Int, _ body: (Value, Value) -> Truth) -> Value {
        count((0..<threads * frames).map { body(constant($0 / frames), constant($0 % frames)) })
    }
    public func oneAboveHighest(_ u: Universe, rows: Int, where body: (Value) -> Truth) -> Value {
        var n = constant(0)
        for f in 0..<rows { n = choose(body(constant(f)), constant(f + 1), n) }
        return n
    }

    public func tabulate(_ u: Universe, rows: Int, _ body: (Value) -> Value) -> [Value] { (0..<rows).map { body(constant($0)) } }
    public func flags(_ u: Universe, rows: Int, _ body: (Value) -> Truth) -> [Truth] { (0..<rows).map { body(constant($0)) } }
    public func tabulate(threads: Int, frames: Int, _ body: (Value, Value) -> Value) -> [Value] {
        (0..<threads * frames).map { body(constant($0 / frames), constant($0 % frames)) }
    }
    public func flags(threads: Int, frames: Int, _ body: (Value, Value) -> Truth) -> [Truth] {
        (0..<threads * frames).map { body(constant($0 / frames), constant($0 % frames)) }
    }

    /// Stated frame by frame (top = f + 1), not as the cell at top - 1: Z3 answers the bounded
    /// queries faster so.
    public func selectTop(_ table: [Value], row: Value, top: Value, columns: Int, otherwise: Value) -> Value {
        var d = otherwise
        for f in 0..<columns {
            d = choose(equal(top, constant(f + 1)), select(table, row: row, column: constant(f), columns: columns, otherwise: otherwise), d)
        }
        return d
    }

    public func select(_ table: [Value], _ i: Value, otherwise: Value) -> Value { choosingRow(table, i, otherwise: otherwise) }

    public func select(flags table: [Truth], _ i: Value, otherwise: Truth) -> Truth {
        var result = otherwise
        for k in table.indices.reversed() { result = choose(equal(i, constant(k)), table[k], result) }
        return result
    }

    /// `select` as a choice over every row: the symbolic logics' lookup.
    public func choosingRow(_ table: [Value], _ i: Value, otherwise: Value) -> Value {
        var result = otherwise
        for k in table.indices.reversed() { result = choose(equal(i, constant(k)), table[k], result) }
        return result
    }

    /// The frame-table `select` as a choice over every cell.
    public func choosingCell(_ table: [Value], row: Value, column: Value, columns: Int, otherwise: Value) -> Value {
        var result = otherwise
        for k in table.indices.reversed() {
            result = choose(and(equal(row, constant(k / columns)), equal(column, constant(k % columns))), table[k], result)
        }
        return result
    }

    public func select(_ table: [Value], row: Value, column: Value, columns: Int, otherwise: Value) -> Value {
        choosingCell(table, row: row, column: column, columns: columns, otherwise: otherwise)
    }

    public func select(flags table: [Truth], row: Value, column: Value, columns: Int, otherwise: Truth) -> Truth {
        var result = otherwise
        for k in table.indices.reversed() {
            result = choose(and(equal(row, constant(k / columns)), equal(column, constant(k % columns))), table[k], result)
        }
        return result
    }

    public func update(_ table: [Value], _ i: Value, _ change: (Value, Truth) -> Value) -> [Value] {
        table.indices.map { k in
            let applies = equal(i, constant(k))
            return choose(applies, change(table[k], applies), table[k])
        }
    }

    public func store(flags table: [Truth], _ i: Value, _ v: Truth) -> [Truth] {
        table.indices.map { choose(equal(i, constant($0)), v, table[$0]) }
    }

    public func pick(_ condition: Truth, _ then: [Value], _ otherwise: [Value]) -> [Value] {
        otherwise.indices.map { choose(condition, then[$0], otherwise[$0]) }
    }

    public func pick(_ condition: Truth, flags then: [Truth], _ otherwise: [Truth]) -> [Truth] {
        otherwise.indices.map { choose(condition, then[$0], otherwise[$0]) }
    }

    public func tally(_ keys: [Value], into u: Universe, rows: Int) -> [Value] {
        (0..<rows).map { k in count(keys.map { equal($0, constant(k)) }) }
    }
}

extension Logic {
    @inline(__always) public func and(_ a: Truth, _ b: Truth) -> Truth { all([a, b]) }
    @inline(__always) public func or(_ a: Truth, _ b: Truth) -> Truth { any([a, b]) }
    @inline(__always) public func implies(_ a: Truth, _ b: Truth) -> Truth { any([not(a), b]) }
    @inline(__always) public func differ(_ a: Value, _ b: Value) -> Truth { not(equal(a, b)) }
    @inline(__always) public func atMost(_ a: Value, _ b: Value) -> Truth { not(less(b, a)) }
    @inline(__always) public func equal(_ a: Value, _ n: Int) -> Truth { equal(a, constant(n)) }
    @inline(__always) public func differ(_ a: Value, _ n: Int) -> Truth { not(equal(a, constant(n))) }
    @inline(__always) public func plus(_ a: Value, _ n: Int) -> Value { plus(a, constant(n)) }
    @inline(__always) public func minus(_ a: Value, _ n: Int) -> Value { minus(a, constant(n)) }

    /// 0 <= v < n: `v` names a row of a table with `n` rows.
    public func inRange(_ v: Value, _ n: Int) -> Truth {
        and(atMost(constant(0), v), less(v, constant(n)))
    }

    /// How many of the propositions hold (a sum over a fixed, small universe).
    public func count(_ terms: [Truth]) -> Value {
        var total = constant(0)
        for t in terms { total = plus(total, choose(t, constant(1), constant(0))) }
        return total
    }
}

/// The logic in which a spec simply runs: integers and booleans.
public struct Concrete: BoundedLogic {
    public typealias Table = [Int]
    public typealias Flags = [Bool]
    public init() {}
    public func constant(_ n: Int) -> Int { n }
    public func truth(_ b: Bool) -> Bool { b }
    public func equal(_ a: Int, _ b: Int) -> Bool { a == b }
    public func less(_ a: Int, _ b: Int) -> Bool { a < b }
    public func plus(_ a: Int, _ b: Int) -> Int { a + b }
    public func minus(_ a: Int, _ b: Int) -> Int { a - b }
    public func all(_ terms: [Bool]) -> Bool {
        for t in terms where !t { return false }
        return true
    }
    public func any(_ terms: [Bool]) -> Bool {
        for t in terms where t { return true }
        return false
    }
    public func not(_ a: Bool) -> Bool { !a }
    public func same(_ a: Bool, _ b: Bool) -> Bool { a == b }
    public func choose(_ condition: Bool, _ then: Int, _ otherwise: Int) -> Int { condition ? then : otherwise }
    public func choose(_ condition: Bool, _ then: Bool, _ otherwise: Bool) -> Bool { condition ? then : otherwise }
    public func select(_ table: [Int], _ i: Int, otherwise: Int) -> Int { table.indices.contains(i) ? table[i] : otherwise }
    public func select(flags table: [Bool], _ i: Int, otherwise: Bool) -> Bool { table.indices.contains(i) ? table[i] : otherwise }
    public func forAll(_ u: Universe, rows: Int, _ body: (Int) -> Bool) -> Bool {
        for i in 0..<rows where !body(i) { return false }
        return true
    }
    public func exists(_ u: Universe, rows: Int, _ body: (Int) -> Bool) -> Bool {
        for i in 0..<rows where body(i) { return true }
        return false
    }
    public func select(_ table: [Int], row: Int, column: Int, columns: Int, otherwise: Int) -> Int {
        column >= 0 && column < columns && table.indices.contains(row * columns + column) ? table[row * columns + column] : otherwise
    }
    public func select(flags table: [Bool], row: Int, column: Int, columns: Int, otherwise: Bool) -> Bool {
        column >= 0 && column < columns && table.indices.contains(row * columns + column) ? table[row * columns + column] : otherwise
    }
    public func tally(_ keys: [Int], into u: Universe, rows: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: rows)
        for k in keys where k >= 0 && k < rows { counts[k] += 1 }
        return counts
    }
}
