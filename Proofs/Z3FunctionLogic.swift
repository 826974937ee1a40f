import CZ3
import Specs

/// A table of the unbounded encoding: a Z3 array over its universe's rows (a frame table's over
/// threads × frames), which rows outside the universe leave unconstrained.
struct FunctionTable {
    let array: Term
    /// The universe of its rows (of a frame table: threads; its columns are frames).
    let universe: Universe
    let isFrameTable: Bool
}

/// The spec's logic for every table size (`verify --unbounded`): a universe's size is a
/// bit-vector variable, not a number of rows; a table is an array (a function over row IDs);
/// a quantifier binds a variable ranging below the size; a table built row by row is a lambda.
/// The scalar operations are `Z3Logic`'s, at `width` bits (LeafCore's IDs are 16 bits wide).
///
/// What has no finite-term meaning here is given a fresh symbol, which only weakens what can be
/// proven (a claim that depends on it fails, and none is proven by it): a count and a tally
/// (cardinalities; the permutation witnesses that will pin them are not written), and a fold
/// over the rows (`unrolls` is false). `oneAboveHighest` is a fresh symbol with the axioms that
/// define it (`axioms`), which are true of exactly one value: it adds nothing that could make
/// a false claim provable.
final class Z3FunctionLogic: Logic {
    typealias Value = Term
    typealias Truth = Term
    typealias Table = FunctionTable
    typealias Flags = FunctionTable

    let scalars: Z3Logic
    let width: Int
    private var ctx: Z3_context { scalars.context.raw }
    private let valueSort: Z3_sort
    private let boolSort: Z3_sort
    /// Each universe's size, a variable.
    private(set) var sizes: [Universe: Term] = [:]
    /// The variables bound around the term being built (by quantifiers and lambdas), innermost
    /// last: a fresh symbol made inside them is a function of them.
    private var bound: [Term] = []
    /// Definitions of fresh symbols, to be assumed with the hypotheses.
    private(set) var axioms: [Term] = []
    /// Tallies and counts made so far, by the term they count over: the same table gives the
    /// same fresh symbol.
    private var tallies: [String: FunctionTable] = [:]
    private var counts: [String: Term] = [:]

    /// The largest size a universe may have: counts and the frame slots (threads × frames) stay
    /// below the sign bit, so no arithmetic the spec does wraps.
    let largestSize: Int
    let largestStackSize: Int
    /// The universes with a size variable of their own (frame slots are threads × frames).
    private static let sized: [Universe] = [.objects, .domains, .threads, .pages, .frames]

    init(_ context: Z3Context, width: Int = 16) {
        self.width = width
        scalars = Z3Logic(context, width: width)
        valueSort = Z3_mk_bv_sort(context.raw, UInt32(width))
        boolSort = Z3_mk_bool_sort(context.raw)
        largestSize = 1 << (width - 4)
        largestStackSize = 1 << ((width - 4) / 2)
        for u in Self.sized {
            sizes[u] = scalars.variable("size.\(u)", boolean: false)
        }
        sizes[.frameSlots] = scalars.adopt(Z3_mk_bvmul(ctx, sizes[.threads]!.ast, sizes[.frames]!.ast))
    }

    /// What every size satisfies: at least one row (the kernel domain, thread 0, a frame for a
    /// call), at most `largestSize` (threads and frames `largestStackSize`).
    var sizeAssumptions: Term {
        scalars.all(Self.sized.map { u in
            let top = u == .threads || u == .frames ? largestStackSize : largestSize
            return scalars.and(scalars.atMost(scalars.constant(1), sizes[u]!), scalars.atMost(sizes[u]!, scalars.constant(top)))
        })
    }

    // MARK: Scalars: Z3Logic's

    func constant(_ n: Int) -> Term { scalars.constant(n) }
    func truth(_ b: Bool) -> Term { scalars.truth(b) }
    func equal(_ a: Term, _ b: Term) -> Term { scalars.equal(a, b) }
    func less(_ a: Term, _ b: Term) -> Term { scalars.less(a, b) }
    func plus(_ a: Term, _ b: Term) -> Term { scalars.plus(a, b) }
    func minus(_ a: Term, _ b: Term) -> Term { scalars.minus(a, b) }
    func all(_ terms: [Term]) -> Term { scalars.all(terms) }
    func any(_ terms: [Term]) -> Term { scalars.any(terms) }
    func not(_ a: Term) -> Term { scalars.not(a) }
    func same(_ a: Term, _ b: Term) -> Term { scalars.same(a, b) }
    func choose(_ condition: Term, _ then: Term, _ otherwise: Term) -> Term { scalars.choose(condition, then, otherwise) }

    // MARK: Universes

    func size(_ u: Universe, rows: Int) -> Term { sizes[u]! }

    private func isRow(_ x: Term, _ u: Universe) -> Term {
        scalars.and(scalars.atMost(constant(0), x), scalars.less(x, sizes[u]!))
    }

    /// A new variable bound while `body` builds the term over it. Named by its depth, not
    /// fresh: a quantifier or lambda abstracts it, so the same body gives the same term (Z3
    /// shares equal terms), and a tally of an unchanged table is the same tally.
    private func binding<R>(_ body: (Term) -> R) -> (Term, R) {
        let x = scalars.adopt(Z3_mk_const(ctx, Z3_mk_string_symbol(ctx, "row\(bound.count)"), valueSort))
        bound.append(x)
        defer { bound.removeLast() }
        return (x, body(x))
    }

    private func quantifier(_ universal: Bool, _ variables: [Term], _ body: Term) -> Term {
        if let b = body.boolean { return truth(b) }
        let apps: [Z3_app?] = variables.map { Z3_to_app(ctx, $0.ast) }
        let ast = apps.withUnsafeBufferPointer {
            universal ? Z3_mk_forall_const(ctx, 0, UInt32($0.count), $0.baseAddress, 0, nil, body.ast)
                : Z3_mk_exists_const(ctx, 0, UInt32($0.count), $0.baseAddress, 0, nil, body.ast)
        }
        return scalars.adopt(ast)
    }

    func forAll(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> Term {
        let (x, b) = binding(body)
        return quantifier(true, [x], scalars.implies(isRow(x, u), b))
    }

    func exists(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> Term {
        let (x, b) = binding(body)
        return quantifier(false, [x], scalars.and(isRow(x, u), b))
    }

    /// A fresh symbol of `sort`: a function of the variables bound around it.
    private func fresh(_ prefix: String, _ sort: Z3_sort) -> Term {
        let domain: [Z3_sort?] = bound.map { _ in valueSort }
        let f = domain.withUnsafeBufferPointer { Z3_mk_fresh_func_decl(ctx, prefix, UInt32($0.count), $0.baseAddress, sort) }
        let args: [Z3_ast?] = bound.map(\.ast)
        return scalars.adopt(args.withUnsafeBufferPointer { Z3_mk_app(ctx, f, UInt32($0.count), $0.baseAddress) })
    }

    func count(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> Term {
        counted(flags(u, rows: rows, body).array, u)
    }

    func count(threads: Int, frames: Int, _ body: (Term, Term) -> Term) -> Term {
        counted(flags(threads: threads, frames: frames, body).array, .frameSlots)
    }

    /// The count of the rows of `u` where `predicate` (a lambda) holds: a fresh symbol, one per
    /// predicate (and per binding of the variables around it), with what every cardinality
    /// satisfies: it is between 0 and the size, and 0 exactly when no row satisfies it.
    private func counted(_ predicate: Term, _ u: Universe) -> Term {
        let key = memoKey(predicate, u)
        if let c = counts[key] { return c }
        let c = fresh("count", valueSort)
        counts[key] = c
        let noRow: Term
        if u == .frameSlots {
            let (t, (f, b)) = binding { t in binding { f in
                scalars.implies(scalars.and(isRow(t, .threads), isRow(f, .frames)), not(read(predicate, t, f)))
            } }
            noRow = quantifier(true, [t, f], b)
        } else {
            let (x, b) = binding { x in scalars.implies(isRow(x, u), not(read(predicate, x))) }
            noRow = quantifier(true, [x], b)
        }
        axioms.append(closed(scalars.all([
            scalars.atMost(constant(0), c), scalars.atMost(c, sizes[u]!), same(equal(c, constant(0)), noRow),
        ])))
        return c
    }

    /// What names a count or tally: the term counted over, its universe, and the variables
    /// bound around it.
    private func memoKey(_ term: Term, _ u: Universe) -> String {
        "\(u) \(Z3_get_ast_id(ctx, term.ast)) \(bound.map { Z3_get_ast_id(ctx, $0.ast) })"
    }

    private func read(_ array: Term, _ i: Term) -> Term { scalars.adopt(Z3_mk_select(ctx, array.ast, i.ast)) }

    private func read(_ array: Term, _ t: Term, _ f: Term) -> Term {
        let index: [Z3_ast?] = [t.ast, f.ast]
        return scalars.adopt(index.withUnsafeBufferPointer { Z3_mk_select_n(ctx, array.ast, 2, $0.baseAddress) })
    }

    func oneAboveHighest(_ u: Universe, rows: Int, where body: (Term) -> Term) -> Term {
        let n = fresh("above", valueSort)
        // 0 <= n <= size; n = 0 or row n - 1 satisfies body; no row at or above n does.
        axioms.append(closed(scalars.all([
            scalars.atMost(constant(0), n), scalars.atMost(n, sizes[u]!),
            scalars.or(equal(n, constant(0)), body(minus(n, constant(1)))),
            axiomOverRows(n, u, body),
        ])))
        return n
    }

    /// No row at or above `n` satisfies `body`.
    private func axiomOverRows(_ n: Term, _ u: Universe, _ body: (Term) -> Term) -> Term {
        let (f, b) = binding { f in scalars.implies(scalars.and(scalars.atMost(n, f), isRow(f, u)), not(body(f))) }
        return quantifier(true, [f], b)
    }

    /// `body` for every value of the variables bound around it: an axiom stands on its own.
    private func closed(_ body: Term) -> Term { bound.isEmpty ? body : quantifier(true, bound, body) }

    // MARK: Tables

    private func arraySort(_ range: Z3_sort, frames: Bool) -> Z3_sort {
        if !frames { return Z3_mk_array_sort(ctx, valueSort, range) }
        let domain: [Z3_sort?] = [valueSort, valueSort]
        return domain.withUnsafeBufferPointer { Z3_mk_array_sort_n(ctx, 2, $0.baseAddress, range) }
    }

    /// A table variable named `name`.
    func variable(_ name: String, _ u: Universe, frames: Bool, boolean: Bool) -> FunctionTable {
        let sort = arraySort(boolean ? boolSort : valueSort, frames: frames)
        let ast = Z3_mk_const(ctx, Z3_mk_string_symbol(ctx, name), sort)
        return FunctionTable(array: scalars.adopt(ast), universe: u, isFrameTable: frames)
    }

    private func lambda(_ variables: [Term], _ body: Term) -> Term {
        let apps: [Z3_app?] = variables.map { Z3_to_app(ctx, $0.ast) }
        return scalars.adopt(apps.withUnsafeBufferPointer { Z3_mk_lambda_const(ctx, UInt32($0.count), $0.baseAddress, body.ast) })
    }

    func tabulate(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> FunctionTable {
        let (x, b) = binding(body)
        return FunctionTable(array: lambda([x], b), universe: u, isFrameTable: false)
    }

    func flags(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> FunctionTable { tabulate(u, rows: rows, body) }

    func tabulate(threads: Int, frames: Int, _ body: (Term, Term) -> Term) -> FunctionTable {
        let (t, (f, b)) = binding { t in binding { f in body(t, f) } }
        return FunctionTable(array: lambda([t, f], b), universe: .threads, isFrameTable: true)
    }

    func flags(threads: Int, frames: Int, _ body: (Term, Term) -> Term) -> FunctionTable {
        tabulate(threads: threads, frames: frames, body)
    }

    private func read(_ table: FunctionTable, _ i: Term) -> Term { read(table.array, i) }
    private func read(_ table: FunctionTable, _ t: Term, _ f: Term) -> Term { read(table.array, t, f) }

    func select(_ table: FunctionTable, _ i: Term, otherwise: Term) -> Term {
        choose(isRow(i, table.universe), read(table, i), otherwise)
    }

    func select(flags table: FunctionTable, _ i: Term, otherwise: Term) -> Term { select(table, i, otherwise: otherwise) }

    func select(_ table: FunctionTable, row: Term, column: Term, columns: Int, otherwise: Term) -> Term {
        choose(scalars.and(isRow(row, .threads), isRow(column, .frames)), read(table, row, column), otherwise)
    }

    func select(flags table: FunctionTable, row: Term, column: Term, columns: Int, otherwise: Term) -> Term {
        select(table, row: row, column: column, columns: columns, otherwise: otherwise)
    }

    func selectTop(_ table: FunctionTable, row: Term, top: Term, columns: Int, otherwise: Term) -> Term {
        choose(equal(top, constant(0)), otherwise, select(table, row: row, column: minus(top, constant(1)), columns: columns, otherwise: otherwise))
    }

    func update(_ table: FunctionTable, _ i: Term, _ change: (Term, Term) -> Term) -> FunctionTable {
        let applies = isRow(i, table.universe)
        let v = change(read(table, i), applies)
        // A row outside the universe is written too, harmlessly: nothing reads it.
        return FunctionTable(array: scalars.adopt(Z3_mk_store(ctx, table.array.ast, i.ast, v.ast)), universe: table.universe, isFrameTable: table.isFrameTable)
    }

    func store(flags table: FunctionTable, _ i: Term, _ v: Term) -> FunctionTable { update(table, i) { _, _ in v } }

    func pick(_ condition: Term, _ then: FunctionTable, _ otherwise: FunctionTable) -> FunctionTable {
        FunctionTable(array: choose(condition, then.array, otherwise.array), universe: otherwise.universe, isFrameTable: otherwise.isFrameTable)
    }

    func pick(_ condition: Term, flags then: FunctionTable, _ otherwise: FunctionTable) -> FunctionTable { pick(condition, then, otherwise) }

    var unrolls: Bool { false }

    func arbitrary() -> Term { fresh("arbitrary", valueSort) }

    func arbitrary(like table: FunctionTable) -> FunctionTable {
        let sort = arraySort(valueSort, frames: table.isFrameTable)
        return FunctionTable(array: fresh("arbitrary", sort), universe: table.universe, isFrameTable: table.isFrameTable)
    }

    func tally(_ keys: FunctionTable, into u: Universe, rows: Int) -> FunctionTable {
        let key = memoKey(keys.array, u)
        if let t = tallies[key] { return t }
        let sort = arraySort(valueSort, frames: false)
        let t = FunctionTable(array: fresh("tally", sort), universe: u, isFrameTable: false)
        tallies[key] = t
        // Each row k is a count of the keys' rows equal to k (see `counted`).
        let (k, fact) = binding { k -> Term in
            let rows: Universe = keys.isFrameTable ? .frameSlots : keys.universe
            let n = read(t.array, k)
            let noRow: Term
            if keys.isFrameTable {
                let (r, (f, b)) = binding { r in binding { f in
                    scalars.implies(scalars.and(isRow(r, .threads), isRow(f, .frames)), scalars.differ(read(keys.array, r, f), k))
                } }
                noRow = quantifier(true, [r, f], b)
            } else {
                let (i, b) = binding { i in scalars.implies(isRow(i, keys.universe), scalars.differ(read(keys.array, i), k)) }
                noRow = quantifier(true, [i], b)
            }
            return scalars.all([scalars.atMost(constant(0), n), scalars.atMost(n, sizes[rows]!), same(equal(n, constant(0)), noRow)])
        }
        axioms.append(closed(quantifier(true, [k], scalars.implies(isRow(k, u), fact))))
        return t
    }
}
