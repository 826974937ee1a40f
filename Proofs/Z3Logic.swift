import CZ3
import Specs

/// A Z3 term, with its value when it is a literal, so that the spec's many comparisons of
/// constant indices fold away before Z3 sees them.
struct Term {
    let ast: Z3_ast
    let integer: Int?
    let boolean: Bool?
}

/// The spec's logic as Z3 terms: integers as signed bit-vectors, and booleans (QF_BV). Every
/// term it makes is retained (Z3_inc_ref) until the logic is released, so a whole transition's
/// terms live together and go together.
///
/// Why bit-vectors: the queries are finite-domain (indices, states, small counts), and Z3's
/// bit-vectors are answered about 10x faster than linear integer arithmetic here. It is exact:
/// the only arithmetic is on counts, depths and queue lengths that the invariants pin to sums
/// over the universes, so every value stays in [-1, maxValue + 1] and never wraps at the width
/// `bitWidth(for:)` picks.
final class Z3Logic: BoundedLogic {
    typealias Value = Term
    typealias Truth = Term
    typealias Table = [Term]
    typealias Flags = [Term]

    let context: Z3Context
    private var ctx: Z3_context { context.raw }
    private let intSort: Z3_sort
    private let boolSort: Z3_sort
    private var retained: [Z3_ast] = []
    /// The variables made by `variable`, by name (for reading models).
    private(set) var variables: [String: Term] = [:]
    private(set) var variableOrder: [String] = []
    private lazy var trueTerm = keep(Z3_mk_true(ctx), boolean: true)
    private lazy var falseTerm = keep(Z3_mk_false(ctx), boolean: false)

    /// Bits per integer (see `bitWidth(for:)`).
    let width: Int

    init(_ context: Z3Context, width: Int) {
        self.width = width
        self.context = context
        intSort = Z3_mk_bv_sort(context.raw, UInt32(width))
        boolSort = Z3_mk_bool_sort(context.raw)
        context.check("sorts")
    }

    deinit { for a in retained { Z3_dec_ref(ctx, a) } }

    /// Retains a term another logic made in this context (the unbounded encoding's arrays).
    func adopt(_ ast: Z3_ast?) -> Term { keep(ast) }

    private func keep(_ ast: Z3_ast?, integer: Int? = nil, boolean: Bool? = nil) -> Term {
        context.check("making a term")
        let ast = ast!
        Z3_inc_ref(ctx, ast)
        retained.append(ast)
        return Term(ast: ast, integer: integer, boolean: boolean)
    }

    func variable(_ name: String, boolean: Bool) -> Term {
        let symbol = Z3_mk_string_symbol(ctx, name)
        let t = keep(Z3_mk_const(ctx, symbol, boolean ? boolSort : intSort))
        variables[name] = t
        variableOrder.append(name)
        return t
    }

    func constant(_ n: Int) -> Term { keep(Z3_mk_int64(ctx, Int64(n), intSort), integer: n) }
    func truth(_ b: Bool) -> Term { b ? trueTerm : falseTerm }

    func equal(_ a: Term, _ b: Term) -> Term {
        if let x = a.integer, let y = b.integer { return truth(x == y) }
        return keep(Z3_mk_eq(ctx, a.ast, b.ast))
    }
    func less(_ a: Term, _ b: Term) -> Term {
        if let x = a.integer, let y = b.integer { return truth(x < y) }
        return keep(Z3_mk_bvslt(ctx, a.ast, b.ast))
    }
    func plus(_ a: Term, _ b: Term) -> Term {
        if let x = a.integer, let y = b.integer { return constant(x + y) }
        if b.integer == 0 { return a }
        if a.integer == 0 { return b }
        return keep(Z3_mk_bvadd(ctx, a.ast, b.ast))
    }
    func minus(_ a: Term, _ b: Term) -> Term {
        if let x = a.integer, let y = b.integer { return constant(x - y) }
        if b.integer == 0 { return a }
        return keep(Z3_mk_bvsub(ctx, a.ast, b.ast))
    }
    func all(_ terms: [Term]) -> Term {
        if terms.contains(where: { $0.boolean == false }) { return falseTerm }
        let rest = terms.filter { $0.boolean != true }
        if rest.isEmpty { return trueTerm }
        if rest.count == 1 { return rest[0] }
        return keep(withArgs(rest.map(\.ast)) { Z3_mk_and(ctx, UInt32(rest.count), $0) })
    }
    func any(_ terms: [Term]) -> Term {
        if terms.contains(where: { $0.boolean == true }) { return trueTerm }
        let rest = terms.filter { $0.boolean != false }
        if rest.isEmpty { return falseTerm }
        if rest.count == 1 { return rest[0] }
        return keep(withArgs(rest.map(\.ast)) { Z3_mk_or(ctx, UInt32(rest.count), $0) })
    }
    func not(_ a: Term) -> Term {
        if let b = a.boolean { return truth(!b) }
        return keep(Z3_mk_not(ctx, a.ast))
    }
    func same(_ a: Term, _ b: Term) -> Term {
        if let x = a.boolean, let y = b.boolean { return truth(x == y) }
        if a.boolean == true { return b }
        if b.boolean == true { return a }
        if a.boolean == false { return not(b) }
        if b.boolean == false { return not(a) }
        return keep(Z3_mk_iff(ctx, a.ast, b.ast))
    }
    func choose(_ condition: Term, _ then: Term, _ otherwise: Term) -> Term {
        if let c = condition.boolean { return c ? then : otherwise }
        if then.ast == otherwise.ast { return then }
        if then.boolean == true && otherwise.boolean == false { return condition }
        return keep(Z3_mk_ite(ctx, condition.ast, then.ast, otherwise.ast))
    }

    // A row named by a literal is that row: no choice over the table is built.
    func select(_ table: [Term], _ i: Term, otherwise: Term) -> Term {
        if let k = i.integer { return table.indices.contains(k) ? table[k] : otherwise }
        return choosingRow(table, i, otherwise: otherwise)
    }

    func select(flags table: [Term], _ i: Term, otherwise: Term) -> Term { select(table, i, otherwise: otherwise) }

    func select(_ table: [Term], row: Term, column: Term, columns: Int, otherwise: Term) -> Term {
        if let r = row.integer, let f = column.integer {
            return f >= 0 && f < columns && table.indices.contains(r * columns + f) ? table[r * columns + f] : otherwise
        }
        return choosingCell(table, row: row, column: column, columns: columns, otherwise: otherwise)
    }

    func select(flags table: [Term], row: Term, column: Term, columns: Int, otherwise: Term) -> Term {
        select(table, row: row, column: column, columns: columns, otherwise: otherwise)
    }

    /// Enough bits for every value the spec computes with these bounds, plus a sign bit and a
    /// bit of headroom.
    static func bitWidth(for b: Bounds) -> Int {
        let largest = max(b.objects, b.domains, b.threads, b.frames, b.pages, b.threads * b.frames) + 1
        var bits = 1
        while (1 << bits) <= largest { bits += 1 }
        return bits + 2
    }

    private func withArgs(_ args: [Z3_ast], _ body: (UnsafePointer<Z3_ast?>) -> Z3_ast?) -> Z3_ast? {
        let optionals: [Z3_ast?] = args
        return optionals.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
