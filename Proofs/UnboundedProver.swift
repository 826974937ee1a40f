import CZ3
import Foundation
import Specs

/// `verify --unbounded`: the same obligations as `Prover`'s, over `Z3FunctionLogic`, so that a
/// proven one holds for every table size up to the logic's largest. Per transition one solver
/// holds the sizes' bounds, every invariant, the guard and the axioms of the fresh symbols; each
/// claim is denied in a scope of its own, with a time limit per query: `unknown` is a failure.
/// That the hypotheses can hold together (no vacuous proof) is shown by the bounded run, whose
/// every satisfiable check is a model of these at its sizes: Z3 does not find models of the
/// quantified hypotheses in time.
final class UnboundedProver {
    let context: Z3Context
    let milliseconds: UInt32
    /// Where each query is written as SMT-LIB 2, if anywhere.
    var smt2Directory: String? = nil

    init(milliseconds: UInt32, options: [(String, String)] = SolverOptions.quantified) {
        context = Z3Context(options: options)
        self.milliseconds = milliseconds
    }

    func prove(_ transition: Transition?, _ claims: [Claim], report: (Outcome) -> Void) {
        let logic = Z3FunctionLogic(context)
        let scalars = logic.scalars
        var pre = symbolicState(logic)
        pre.ledger = Ledger()
        let arguments = (transition?.parameters ?? []).map { scalars.variable("argument.\($0.name)", boolean: false) }
        var hypotheses = [logic.sizeAssumptions]
        let after: SpecState<Z3FunctionLogic>
        if let transition {
            let step = transition.step(pre, arguments)
            hypotheses += [pre.invariantsHold, step.allowed]
            after = step.after
        } else {
            after = SpecState.initial(bounds: Bounds.proof, logic: logic)
        }
        let solver = QuantifiedSolver(context, milliseconds: milliseconds)
        for h in hypotheses { solver.assert(h.ast) }
        var axiomsAsserted = 0
        func assertNewAxioms() {
            for a in logic.axioms.dropFirst(axiomsAsserted) { solver.assert(a.ast) }
            axiomsAsserted = logic.axioms.count
        }
        assertNewAxioms()
        let claims = transition == nil ? claims.filter(\.appliesToBoot) : claims
        for claim in claims {
            let obligation = Obligation(claim: claim, transition: transition)
            let start = Date()
            let goal = claim.holds(before: pre, after: after, transition: transition, arguments: arguments)
            let asserted = axiomsAsserted
            solver.push()
            assertNewAxioms()
            for u in claim.countedRows { for a in logic.countSteps[u] ?? [] { solver.assert(a.ast) } }
            solver.assert(scalars.not(goal).ast)
            let result = solver.check()
            if let dir = smt2Directory {
                let path = "\(dir)/\(transition?.name ?? "init")-\(claim.name).smt2"
                do { try solver.smtlib(status: result).write(toFile: path, atomically: false, encoding: .utf8) }
                catch { fatalError("verify: cannot write \(path): \(error)") }
            }
            let verdict: Verdict
            switch result {
            case Z3_L_FALSE: verdict = .proven
            case Z3_L_TRUE: verdict = .failed("  a state of some size breaks it (counterexamples are printed by the bounded run)")
            default: verdict = .unknown(solver.reasonUnknown())
            }
            solver.pop()
            axiomsAsserted = asserted
            report(Outcome(obligation: obligation, verdict: verdict, seconds: Date().timeIntervalSince(start)))
        }
    }

    /// A state whose every table is an array variable named after it.
    private func symbolicState(_ logic: Z3FunctionLogic) -> SpecState<Z3FunctionLogic> {
        SpecState(bounds: Bounds.proof, logic: logic, table: { name, _, columns in
            logic.variable(name.name, name.universe, frames: columns != nil, boolean: false)
        }, flags: { name, _ in
            logic.variable(name.name, name.universe, frames: false, boolean: true)
        }, scalar: { logic.scalars.variable($0.name, boolean: false) })
    }
}

/// A Z3 solver for quantified formulas over arrays and bit-vectors, with a time limit per check.
final class QuantifiedSolver {
    let context: Z3Context
    let raw: Z3_solver
    private var ctx: Z3_context { context.raw }
    /// What is asserted, per scope (for `smtlib`).
    private var scopes: [[Z3_ast]] = [[]]
    private var retained: [Z3_ast] = []

    init(_ context: Z3Context, milliseconds: UInt32) {
        self.context = context
        raw = Z3_mk_solver(context.raw)!
        Z3_solver_inc_ref(context.raw, raw)
        let params = Z3_mk_params(context.raw)!
        Z3_params_inc_ref(context.raw, params)
        Z3_params_set_uint(context.raw, params, Z3_mk_string_symbol(context.raw, "timeout"), milliseconds)
        Z3_solver_set_params(context.raw, raw, params)
        Z3_params_dec_ref(context.raw, params)
        context.check("creating a solver")
    }
    deinit {
        for a in retained { Z3_dec_ref(ctx, a) }
        Z3_solver_dec_ref(ctx, raw)
    }

    /// Asserts `t` simplified: Z3's rewriter reduces a lookup in a table built row by row (a
    /// lambda) to that row's term, which its quantifier instantiation does not do on its own.
    func assert(_ t: Z3_ast) {
        let simple = Z3_simplify(ctx, t)!
        Z3_inc_ref(ctx, simple)
        retained.append(simple)
        Z3_solver_assert(ctx, raw, simple)
        context.check("assert")
        scopes[scopes.count - 1].append(simple)
    }
    func push() { Z3_solver_push(ctx, raw); context.check("push"); scopes.append([]) }
    func pop() { Z3_solver_pop(ctx, raw, 1); context.check("pop"); scopes.removeLast() }

    /// The query as SMT-LIB 2 (quantified arrays and bit-vectors), with `status` as its answer.
    func smtlib(status: Z3_lbool) -> String {
        let answer = status == Z3_L_TRUE ? "sat" : status == Z3_L_FALSE ? "unsat" : "unknown"
        var formulas = scopes.flatMap { $0 }
        let last = formulas.isEmpty ? Z3_mk_true(ctx)! : formulas.removeLast()
        let asts = formulas.map { Optional($0) }
        let text = asts.withUnsafeBufferPointer {
            String(cString: Z3_benchmark_to_smtlib_string(ctx, "", "ALL", answer, "", UInt32($0.count), $0.baseAddress, last))
        }
        context.check("printing the query")
        return text
    }
    func check() -> Z3_lbool {
        let r = Z3_solver_check(ctx, raw)
        context.check("check")
        return r
    }
    func reasonUnknown() -> String { String(cString: Z3_solver_get_reason_unknown(ctx, raw)) }
}
