import CZ3
import Foundation
import Specs

/// Proves obligations with Z3: for each transition, one solver holding `I ∧ guard`; first a
/// satisfiability check of those hypotheses (no vacuous proofs), then one query per claim,
/// `I ∧ guard ∧ ¬I'_k` for an invariant, `I ∧ guard ∧ ¬P(s, s')` for a transition property,
/// each pushed and popped on its own. Measured: Z3's incremental core is
/// far faster here than a fresh solver per query (whose bit-blasting took minutes on crash);
/// `--smt2` still writes each query whole, with Z3's answer as its `:status`.
final class Prover {
    let bounds: Bounds
    let smt2Directory: String?
    let context = Z3Context()

    init(bounds: Bounds, smt2Directory: String?) {
        self.bounds = bounds
        self.smt2Directory = smt2Directory
    }

    /// Proves each of `claims` of `transition` (nil: boot), with `mutant` planted.
    func prove(_ transition: Transition?, _ claims: [Claim], mutant: Mutant = .none,
               report: (Outcome) -> Void) {
        let logic = Z3Logic(context, width: Z3Logic.bitWidth(for: bounds))
        var pre = symbolicState(logic)
        pre.ledger = Ledger()
        let arguments = (transition?.parameters ?? []).map { logic.variable("argument.\($0.name)", boolean: false) }
        let hypotheses: Term
        let after: SpecState<Z3Logic>
        if let transition {
            let step = transition.step(pre, arguments, mutant: mutant)
            hypotheses = logic.and(pre.invariantsHold, step.allowed)
            after = step.after
        } else {
            hypotheses = logic.truth(true)
            after = SpecState.initial(bounds: bounds, logic: logic)
        }
        let solver = Solver(context)
        solver.assert(hypotheses)
        let name = transition?.name ?? "init"
        let start = Date()
        let satisfiable = solver.check()
        let vacuityTime = Date().timeIntervalSince(start)
        if let dir = smt2Directory {
            write(solver.smtlib(status: satisfiable), to: "\(dir)/\(name)-\(mutantTag(mutant))hypotheses-satisfiable.smt2")
        }
        let claims = transition == nil ? claims.filter(\.appliesToBoot) : claims
        for (i, claim) in claims.enumerated() {
            let obligation = Obligation(claim: claim, transition: transition)
            if satisfiable != Z3_L_TRUE {
                let share = i == 0 ? vacuityTime : 0
                report(Outcome(obligation: obligation,
                               verdict: satisfiable == Z3_L_FALSE ? .vacuous : .unknown(solver.reasonUnknown()),
                               seconds: share))
                continue
            }
            let start = Date()
            solver.push()
            solver.assert(logic.not(claim.holds(before: pre, after: after, transition: transition, arguments: arguments)))
            let result = solver.check()
            if let dir = smt2Directory {
                write(solver.smtlib(status: result), to: "\(dir)/\(name)-\(mutantTag(mutant))\(claim.name).smt2")
            }
            var verdict: Verdict
            switch result {
            case Z3_L_FALSE: verdict = .proven
            case Z3_L_TRUE:
                verdict = .failed(Counterexample(solver: solver, logic: logic, bounds: bounds, transition: transition,
                                                 arguments: arguments, claim: claim, mutant: mutant).text)
            default: verdict = .unknown(solver.reasonUnknown())
            }
            solver.pop()
            // The first obligation of a transition also pays for the vacuity check it depends on.
            let seconds = Date().timeIntervalSince(start) + (i == 0 ? vacuityTime : 0)
            report(Outcome(obligation: obligation, verdict: verdict, seconds: seconds))
        }
    }

    /// Whether every state satisfying the other invariants satisfies `invariant` too: then no
    /// bug can break it alone, whatever it does.
    func isImplied(_ invariant: Invariant) -> Bool {
        let logic = Z3Logic(context, width: Z3Logic.bitWidth(for: bounds))
        let state = symbolicState(logic)
        let solver = Solver(context)
        solver.assert(logic.all(Invariant.allCases.filter { $0 != invariant }.map { $0.holds(in: state) }))
        solver.assert(logic.not(invariant.holds(in: state)))
        return solver.check() == Z3_L_FALSE
    }

    /// A state whose every cell is a fresh Z3 variable named after it.
    private func symbolicState(_ logic: Z3Logic) -> SpecState<Z3Logic> {
        SpecState(bounds: bounds, logic: logic,
                  value: { logic.variable($0.name, boolean: false) },
                  truth: { logic.variable($0.name, boolean: true) })
    }

    private func mutantTag(_ m: Mutant) -> String { m == .none ? "" : "\(m.name)-" }

    private func write(_ text: String, to path: String) {
        do { try (text + "(check-sat)\n").write(toFile: path, atomically: false, encoding: .utf8) }
        catch { fatalError("verify: cannot write \(path): \(error)") }
    }
}

/// A Z3 solver for the logic QF_BV, reference counted.
final class Solver {
    let context: Z3Context
    let raw: Z3_solver
    private var ctx: Z3_context { context.raw }

    init(_ context: Z3Context) {
        self.context = context
        raw = Z3_mk_solver_for_logic(context.raw, Z3_mk_string_symbol(context.raw, "QF_BV"))!
        context.check("creating a solver")
        Z3_solver_inc_ref(context.raw, raw)
    }
    deinit { Z3_solver_dec_ref(ctx, raw) }

    /// What is asserted, per scope: the text of a query is made from these, not from Z3's own
    /// printing of the solver, which after a check adds Z3-only `model-add` commands.
    private var scopes: [[Term]] = [[]]

    func assert(_ t: Term) {
        Z3_solver_assert(ctx, raw, t.ast)
        context.check("assert")
        scopes[scopes.count - 1].append(t)
    }
    func push() { Z3_solver_push(ctx, raw); context.check("push"); scopes.append([]) }
    func pop() { Z3_solver_pop(ctx, raw, 1); context.check("pop"); scopes.removeLast() }
    func check() -> Z3_lbool {
        let r = Z3_solver_check(ctx, raw)
        context.check("check")
        return r
    }
    func reasonUnknown() -> String { String(cString: Z3_solver_get_reason_unknown(ctx, raw)) }
    /// The query as standard SMT-LIB 2 (declarations and one `assert` per formula, as any
    /// solver reads it), without `check-sat`; `:status` is Z3's answer, for a replay to compare.
    func smtlib(status: Z3_lbool) -> String {
        let answer = status == Z3_L_TRUE ? "sat" : status == Z3_L_FALSE ? "unsat" : "unknown"
        var formulas = scopes.flatMap { $0 }
        let last = formulas.isEmpty ? Z3_mk_true(ctx)! : formulas.removeLast().ast
        let asts = formulas.map { Optional($0.ast) }
        let text = asts.withUnsafeBufferPointer {
            String(cString: Z3_benchmark_to_smtlib_string(ctx, "", "QF_BV", answer, "", UInt32($0.count), $0.baseAddress, last))
        }
        context.check("printing the query")
        // Z3 ends the benchmark with its own check-sat; the caller adds one.
        return text.replacingOccurrences(of: "(check-sat)\n", with: "")
    }

    /// Evaluates terms in the model of the last satisfiable check.
    func withModel<R>(_ body: (Model) -> R) -> R {
        let m = Z3_solver_get_model(ctx, raw)!
        context.check("reading the model")
        Z3_model_inc_ref(ctx, m)
        defer { Z3_model_dec_ref(ctx, m) }
        return body(Model(context: context, raw: m))
    }
}

struct Model {
    let context: Z3Context
    let raw: Z3_model

    /// Evaluates `t` in the model and hands the value (referenced for the duration) to `read`.
    private func evaluate<R>(_ t: Term, _ what: String, _ read: (Z3_ast?) -> R) -> R {
        var out: Z3_ast? = nil
        _ = Z3_model_eval(context.raw, raw, t.ast, true, &out)
        context.check("evaluating \(what)")
        Z3_inc_ref(context.raw, out)
        defer { Z3_dec_ref(context.raw, out) }
        return read(out)
    }

    func integer(_ t: Term) -> Int {
        evaluate(t, "an integer") { out in
            var v: Int64 = 0
            _ = Z3_get_numeral_int64(context.raw, out, &v)
            context.check("reading an integer")
            // Bit-vector numerals read as unsigned: values are two's complement.
            let width = Int64(Z3_get_bv_sort_size(context.raw, Z3_get_sort(context.raw, out)))
            if v >= (1 << (width - 1)) { v -= 1 << width }
            return Int(v)
        }
    }

    func boolean(_ t: Term) -> Bool {
        evaluate(t, "a boolean") { out in Z3_get_bool_value(context.raw, out) == Z3_L_TRUE }
    }
}
