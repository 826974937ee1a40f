import Specs

/// `verify --mutants`: each mutant is planted in its transition, whose obligations are proved
/// again; it is caught when at least one fails (a counterexample, or a vacuous guard).
struct MutantRun {
    let prover: Prover
    let invariants: [Invariant]
    let quiet: Bool

    func run() -> Bool {
        let catalogue = Mutant.allCases.filter { $0 != .none }
        var caught = 0
        for mutant in catalogue {
            var failedObligations: [String] = []
            var firstCounterexample: String? = nil
            prover.prove(mutant.transition, invariants, mutant: mutant) { outcome in
                switch outcome.verdict {
                case .proven: break
                case .failed(let text):
                    failedObligations.append(outcome.obligation.invariant.name)
                    if firstCounterexample == nil { firstCounterexample = text }
                case .vacuous, .unknown:
                    failedObligations.append(outcome.obligation.invariant.name)
                }
            }
            if failedObligations.isEmpty {
                print("SURVIVED: \(mutant.name) in \(mutant.transition.name): \(mutant.summary)")
            } else {
                caught += 1
                print("caught: \(mutant.name) in \(mutant.transition.name): breaks \(failedObligations.joined(separator: ", "))")
                if !quiet, let text = firstCounterexample {
                    print(text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
                }
            }
        }
        print("mutants: \(caught)/\(catalogue.count) caught")
        return caught == catalogue.count
    }
}
