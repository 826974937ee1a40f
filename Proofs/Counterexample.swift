import Specs

/// A readable counterexample from a satisfiable query: the pre-state and arguments from Z3's
/// model, then the post-state computed by running the same transition concretely (which also
/// confirms that the concrete and symbolic readings of the spec agree).
struct Counterexample {
    let text: String

    init(solver: Solver, logic: Z3Logic, bounds: Bounds, transition: Transition?, arguments: [Term],
         claim: Claim, mutant: Mutant) {
        text = solver.withModel { model in
            let pre = SpecState(bounds: bounds, logic: Concrete(),
                                value: { model.integer(logic.variables[$0.name]!) },
                                truth: { model.boolean(logic.variables[$0.name]!) })
            let values = arguments.map { model.integer($0) }
            var lines: [String] = []
            let label = transition?.name ?? "init"
            lines.append("counterexample: \(label) breaks \(claim.name) (\(claim.summary))")
            if mutant != .none { lines.append("mutant: \(mutant.name): \(mutant.summary)") }
            guard let transition else {
                lines.append("state at boot:")
                lines.append(SpecState.initial(bounds: bounds, logic: Concrete()).description)
                return lines.joined(separator: "\n")
            }
            lines.append("pre-state (all invariants hold):")
            lines.append(pre.description)
            let named = zip(transition.parameters, values).map { "\($0.0.name)=\($0.1)" }
            lines.append("transition: \(transition.name)(\(named.joined(separator: ", ")))")
            let step = transition.step(pre, values, mutant: mutant)
            lines.append("post-state:")
            lines.append(step.after.description)
            var broken = step.after.brokenInvariants.map(\.name)
            broken += pre.brokenProperties(to: step.after, by: transition, values).map(\.name)
            if case .property(.noOverflow) = claim { broken.append("no-overflow (not re-run concretely)") }
            lines.append("broken after the step (concrete re-run): \(broken.isEmpty ? "none (symbolic and concrete readings disagree!)" : broken.joined(separator: ", "))")
            return lines.joined(separator: "\n")
        }
    }
}
