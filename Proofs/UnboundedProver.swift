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
            solver.assert(scalars.not(goal).ast)
            let result = solver.check()
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
    deinit { Z3_solver_dec_ref(ctx, raw) }

    func assert(_ t: Z3_ast) { Z3_solver_assert(ctx, raw, t); context.check("assert") }
    func push() { Z3_solver_push(ctx, raw); context.check("push") }
    func pop() { Z3_solver_pop(ctx, raw, 1); context.check("pop") }
    func check() -> Z3_lbool {
        let r = Z3_solver_check(ctx, raw)
        context.check("check")
        return r
    }
    func reasonUnknown() -> String { String(cString: Z3_solver_get_reason_unknown(ctx, raw)) }
}
