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
/// A count and a tally are fresh symbols, with what the real cardinality satisfies and how two
/// counts over the same rows relate (`counted`): enough to carry a count across a step that
/// changes one or two rows, only rows of other keys, or takes a counted set of rows. A fold
/// over the rows has no finite-term meaning here (`unrolls` is false): its result is a fresh
/// symbol, which only weakens what can be proven (a claim that depends on it fails, and none
/// is proven by it). `oneAboveHighest` is a fresh symbol with the axioms that define it
/// (`axioms`), which are true of exactly one value: it adds nothing that could make a false
/// claim provable.
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
    /// The universe each of them ranges over.
    private var boundUniverses: [Universe] = []
    /// Definitions of fresh symbols (a count's range among them), to be assumed with the
    /// hypotheses.
    private(set) var axioms: [Term] = []
    /// How two counts relate, by universe counted: assumed only where a claim is about counts
    /// over that universe (`Claim.countedRows`), since their instances slow every other query.
    private(set) var countSteps: [Universe: [Term]] = [:]

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
    private func binding<R>(_ u: Universe, _ body: (Term) -> R) -> (Term, R) {
        let x = scalars.adopt(Z3_mk_const(ctx, Z3_mk_string_symbol(ctx, "row\(bound.count)"), valueSort))
        bound.append(x)
        boundUniverses.append(u)
        defer { bound.removeLast(); boundUniverses.removeLast() }
        return (x, body(x))
    }

    /// A quantifier over `variables`; `patterns`, if any, are its triggers (each a list of
    /// terms that together name every variable), else Z3 chooses.
    private func quantifier(_ universal: Bool, _ variables: [Term], _ body: Term, patterns: [[Term]] = []) -> Term {
        if let b = body.boolean { return truth(b) }
        let apps: [Z3_app?] = variables.map { Z3_to_app(ctx, $0.ast) }
        // Held while the quantifier is made (a reference-counted context frees what no one holds).
        let triggers: [Z3_pattern?] = patterns.map { terms in
            let asts: [Z3_ast?] = terms.map(\.ast)
            let p = asts.withUnsafeBufferPointer { Z3_mk_pattern(ctx, UInt32($0.count), $0.baseAddress) }
            Z3_inc_ref(ctx, Z3_pattern_to_ast(ctx, p))
            return p
        }
        defer { for p in triggers { Z3_dec_ref(ctx, Z3_pattern_to_ast(ctx, p)) } }
        let ast = apps.withUnsafeBufferPointer { a in triggers.withUnsafeBufferPointer { p in
            universal ? Z3_mk_forall_const(ctx, 0, UInt32(a.count), a.baseAddress, UInt32(p.count), p.baseAddress, body.ast)
                : Z3_mk_exists_const(ctx, 0, UInt32(a.count), a.baseAddress, UInt32(p.count), p.baseAddress, body.ast)
        } }
        return scalars.adopt(ast)
    }

    func forAll(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> Term {
        let (x, b) = binding(u, body)
        return quantifier(true, [x], scalars.implies(isRow(x, u), b))
    }

    func exists(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> Term {
        let (x, b) = binding(u, body)
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
        counted(Counting(keys: flags(u, rows: rows, body).array, rows: u, into: nil)).array
    }

    func count(threads: Int, frames: Int, _ body: (Term, Term) -> Term) -> Term {
        counted(Counting(keys: flags(threads: threads, frames: frames, body).array, rows: .frameSlots, into: nil)).array
    }

    func tally(_ keys: FunctionTable, into u: Universe, rows: Int) -> FunctionTable {
        let t = counted(Counting(keys: keys.array, rows: keys.isFrameTable ? .frameSlots : keys.universe, into: u))
        return FunctionTable(array: t.array, universe: u, isFrameTable: false)
    }

    // MARK: Counts

    /// A count (how many rows of `rows` satisfy a predicate, `keys` being its flags) or a tally
    /// (row k of `into`: how many rows of `rows` have key k).
    private struct Counting {
        let keys: Term
        let rows: Universe
        let into: Universe?
    }

    /// One made: its fresh symbol (a tally's an array over `into`), and the variables bound
    /// around it, of which it is a function.
    private struct Made {
        let counting: Counting
        let result: FunctionTable
        let bound: [Term]
        let boundUniverses: [Universe]
        let key: String
    }
    private var made: [Made] = []

    /// The rows a count is over: one index, or a thread and a frame.
    private func rowVariables(_ u: Universe) -> [Term] {
        (0..<(u == .frameSlots ? 2 : 1)).map { scalars.adopt(Z3_mk_const(ctx, Z3_mk_string_symbol(ctx, "counted\(bound.count)_\($0)"), valueSort)) }
    }

    private func isRow(_ row: [Term], _ u: Universe) -> Term {
        u == .frameSlots ? scalars.and(isRow(row[0], .threads), isRow(row[1], .frames)) : isRow(row[0], u)
    }

    /// A fresh choice of a row of `u` (a function of the variables bound around it).
    private func chosenRow(_ name: String, _ u: Universe) -> [Term] {
        (0..<(u == .frameSlots ? 2 : 1)).map { _ in fresh(name, valueSort) }
    }

    private func isAt(_ row: [Term], _ other: [Term]) -> Term { scalars.all(row.indices.map { equal(row[$0], other[$0]) }) }

    private func keyOf(_ c: Counting, _ row: [Term]) -> Term { row.count == 2 ? read(c.keys, row[0], row[1]) : read(c.keys, row[0]) }

    /// Whether the row counts toward `k` (a count: whether it satisfies the predicate).
    private func counts(_ c: Counting, _ row: [Term], toward k: Term?) -> Term {
        guard let k else { return keyOf(c, row) }
        return equal(keyOf(c, row), k)
    }

    private func value(_ m: Made, at k: Term?) -> Term { k.map { read(m.result.array, $0) } ?? m.result.array }

    private func everyRow(_ u: Universe, _ body: ([Term]) -> Term) -> Term {
        let row = rowVariables(u)
        return quantifier(true, row, scalars.implies(isRow(row, u), body(row)))
    }

    /// `body` for every row k of `into` (a tally), or once (a count), with `trigger`'s terms as
    /// the quantifier's pattern.
    private func eachKey(_ into: Universe?, trigger: (Term) -> [Term], _ body: (Term?) -> Term) -> Term {
        guard let into else { return body(nil) }
        let k = scalars.adopt(Z3_mk_const(ctx, Z3_mk_string_symbol(ctx, "key\(bound.count)"), valueSort))
        return quantifier(true, [k], scalars.implies(isRow(k, into), body(k)), patterns: [trigger(k)])
    }

    /// The fresh symbol counting `c`, made once per predicate or key table (and per binding of
    /// the variables around it), with the facts every cardinality satisfies and, for each
    /// count made before it over the same rows and with the same bindings, how the two relate.
    /// All are true of the real cardinality (each set of rows is finite and within the size),
    /// and of a choice of a row where two tables differ, so they make no false claim provable:
    /// - each count is between 0 and the size; 0 exactly when no row counts, the size exactly
    ///   when every row does;
    /// - of two counts, how a step that changes one or two rows, or only rows of other keys,
    ///   changes the count (`relating`), and how one that takes a counted set of rows from a
    ///   key does (`subtracting`); a count and a tally's row of the same rows are equal
    ///   (`matching`);
    /// - a count of at most one row is 0 or 1 (`single`).
    private func counted(_ c: Counting) -> FunctionTable {
        let key = "\(c.rows) \(c.into.map { "\($0)" } ?? "-") \(Z3_get_ast_id(ctx, c.keys.ast)) \(bound.map { Z3_get_ast_id(ctx, $0.ast) })"
        if let m = made.first(where: { $0.key == key }) { return m.result }
        let sort = c.into == nil ? valueSort : arraySort(valueSort, frames: false)
        let m = Made(counting: c, result: FunctionTable(array: fresh(c.into == nil ? "count" : "tally", sort), universe: c.into ?? c.rows, isFrameTable: false),
                     bound: bound, boundUniverses: boundUniverses, key: key)
        let size = sizes[c.rows]!
        axioms.append(closed(eachKey(c.into, trigger: { [value(m, at: $0)] }) { k in
            let n = value(m, at: k)
            return scalars.all([
                scalars.atMost(constant(0), n), scalars.atMost(n, size),
                same(equal(n, constant(0)), everyRow(c.rows) { not(counts(c, $0, toward: k)) }),
                same(equal(n, size), everyRow(c.rows) { counts(c, $0, toward: k) }),
            ])
        }))
        if c.into == nil { countSteps[c.rows, default: []].append(closed(single(m))) }
        for earlier in made where earlier.counting.rows == c.rows && earlier.counting.into == c.into
            && earlier.bound.map(\.ast) == bound.map(\.ast) {
            countSteps[c.rows, default: []].append(closed(relating(earlier, m)))
            if c.into != nil {
                for taken in made where taken.counting.rows == c.rows && taken.counting.into == nil {
                    if let fact = subtracting(taken, from: earlier, leaving: m) { countSteps[c.rows, default: []].append(fact) }
                }
            }
        }
        // A count and a tally over the same rows, whichever is made second.
        for other in made where other.counting.rows == c.rows && (other.counting.into == nil) != (c.into == nil) {
            let fact = c.into == nil ? matching(m, other) : matching(other, m)
            if let fact { countSteps[c.rows, default: []].append(fact) }
        }
        made.append(m)
        return m.result
    }

    /// Tally b's row k is tally a's less count p where b's rows of key k are a's without p's
    /// and p's are among a's (a step that takes several rows away from a key: a teardown, the
    /// frames a crash pops).
    private func subtracting(_ p: Made, from a: Made, leaving b: Made) -> Term? {
        guard a.bound.isEmpty, b.bound.isEmpty else { return nil }
        let u = a.counting.rows
        return forKey(of: p, in: a, trigger: { [value(b, at: $0)] }) { k in
            let exactly = everyRow(u) { r in
                let taken = counts(p.counting, r, toward: nil)
                return scalars.and(same(counts(b.counting, r, toward: k), scalars.and(counts(a.counting, r, toward: k), not(taken))),
                                   scalars.implies(taken, counts(a.counting, r, toward: k)))
            }
            return scalars.implies(exactly, equal(value(b, at: k), minus(value(a, at: k), value(p, at: nil))))
        }
    }

    /// Count p is at most tally a's row k where p counts only rows of key k (the frames a
    /// return pops lend no more than are lent), and equal to it where it counts exactly them
    /// (what a teardown takes from its domain is all the domain had).
    private func matching(_ p: Made, _ a: Made) -> Term? {
        guard a.bound.isEmpty else { return nil }
        return forKey(of: p, in: a, trigger: { [value(a, at: $0)] }) { k in
            let u = a.counting.rows
            return scalars.and(
                scalars.implies(everyRow(u) { r in scalars.implies(counts(p.counting, r, toward: nil), counts(a.counting, r, toward: k)) },
                                scalars.atMost(value(p, at: nil), value(a, at: k))),
                scalars.implies(everyRow(u) { r in same(counts(p.counting, r, toward: nil), counts(a.counting, r, toward: k)) },
                                equal(value(p, at: nil), value(a, at: k))))
        }
    }

    /// `fact` of the key of tally a that count p is about: p's innermost variable where it is
    /// one of a's rows (p counts, for each key, what the step takes from it), else every key,
    /// with `trigger` as the pattern.
    private func forKey(of p: Made, in a: Made, trigger: (Term) -> [Term], _ fact: (Term) -> Term) -> Term? {
        guard let into = a.counting.into else { return nil }
        if p.bound.isEmpty { return eachKey(into, trigger: trigger) { fact($0!) } }
        guard p.bound.count == 1, p.boundUniverses[0] == into else { return nil }
        let k = p.bound[0]
        return quantifier(true, [k], scalars.implies(isRow(k, into), fact(k)), patterns: [[value(p, at: nil)]])
    }

    /// A count of rows among which at most one, `only`, counts is 1 if it does, else 0.
    private func single(_ m: Made) -> Term {
        let u = m.counting.rows
        let only = chosenRow("only", u)
        let row = rowVariables(u)
        let some = quantifier(false, row, scalars.and(isRow(row, u), counts(m.counting, row, toward: nil)))
        let chosen = scalars.implies(some, scalars.and(isRow(only, u), counts(m.counting, only, toward: nil)))
        let alone = everyRow(u) { r in scalars.implies(counts(m.counting, r, toward: nil), isAt(r, only)) }
        let one = choose(scalars.and(isRow(only, u), counts(m.counting, only, toward: nil)), constant(1), constant(0))
        return scalars.and(chosen, scalars.implies(alone, equal(value(m, at: nil), one)))
    }

    /// Of counts a and b (b made later, over the same rows): `first` and `second`, the rows
    /// where their tables differ, if there are any; if they differ nowhere else, b is a less
    /// what those rows counted in a plus what they count in b (a step that changes one or two
    /// rows: a yield readies one thread and runs another). A tally's row k is also the same in
    /// both if its rows of key k are (a step that changes rows of other keys).
    private func relating(_ a: Made, _ b: Made) -> Term {
        let u = a.counting.rows
        let first = chosenRow("apart", u), second = chosenRow("apart", u)
        func differ(_ row: [Term]) -> Term { scalars.differ(keyOf(a.counting, row), keyOf(b.counting, row)) }
        let row = rowVariables(u)
        let firstChosen = scalars.implies(quantifier(false, row, scalars.and(isRow(row, u), differ(row))),
                                          scalars.and(isRow(first, u), differ(first)))
        let secondChosen = scalars.implies(quantifier(false, row, scalars.all([isRow(row, u), scalars.not(isAt(row, first)), differ(row)])),
                                           scalars.all([isRow(second, u), scalars.not(isAt(second, first)), differ(second)]))
        let elsewhere = everyRow(u) { r in scalars.implies(differ(r), scalars.or(isAt(r, first), isAt(r, second))) }
        let step = eachKey(a.counting.into, trigger: { [value(b, at: $0)] }) { k in
            func one(_ m: Made, _ at: [Term], unless other: [Term]? = nil) -> Term {
                var condition = [isRow(at, u), counts(m.counting, at, toward: k)]
                if let other { condition.append(scalars.not(isAt(at, other))) }
                return choose(scalars.all(condition), constant(1), constant(0))
            }
            let changed = minus(plus(one(b, first), one(b, second, unless: first)), plus(one(a, first), one(a, second, unless: first)))
            return equal(value(b, at: k), plus(value(a, at: k), changed))
        }
        var facts = [firstChosen, secondChosen, scalars.implies(elsewhere, step)]
        if a.counting.into != nil {
            facts.append(eachKey(a.counting.into, trigger: { [value(b, at: $0)] }) { k in
                let k = k!
                return scalars.implies(everyRow(u) { r in same(counts(a.counting, r, toward: k), counts(b.counting, r, toward: k)) },
                                       equal(value(b, at: k), value(a, at: k)))
            })
        }
        return scalars.all(facts)
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
        let (f, b) = binding(u) { f in scalars.implies(scalars.and(scalars.atMost(n, f), isRow(f, u)), not(body(f))) }
        return quantifier(true, [f], b)
    }

    /// `fact` for every row the variables bound around it range over: a range fact recorded
    /// inside a table built row by row (`Ledger`) must hold for each row.
    func forEveryBinding(_ fact: Term) -> Term {
        guard !bound.isEmpty else { return fact }
        let rows = scalars.all(bound.indices.map { isRow(bound[$0], boundUniverses[$0]) })
        return quantifier(true, bound, scalars.implies(rows, fact))
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
        let (x, b) = binding(u, body)
        return FunctionTable(array: lambda([x], b), universe: u, isFrameTable: false)
    }

    func flags(_ u: Universe, rows: Int, _ body: (Term) -> Term) -> FunctionTable { tabulate(u, rows: rows, body) }

    func tabulate(threads: Int, frames: Int, _ body: (Term, Term) -> Term) -> FunctionTable {
        let (t, (f, b)) = binding(.threads) { t in binding(.frames) { f in body(t, f) } }
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

}
