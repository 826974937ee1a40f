import Specs

/// `verify --mutants`: each mutant is planted in its transition, whose obligations are proved
/// again; it is caught when at least one fails (a counterexample, or a vacuous guard). For each
/// caught mutant the run records which claims catch it and the smallest bound that does (from
/// a ladder of uniform bounds up to the proof's), and then which claims some mutant breaks
/// alone: of a state invariant no mutant breaks alone, whether the others imply it (then no
/// mutant can).
struct MutantRun {
    let bounds: Bounds
    let claims: [Claim]
    let quiet: Bool

    /// Smaller instances to find each mutant's smallest catching bound: n of everything (at
    /// least 2 objects, domains and threads), below `bounds`.
    private var ladder: [Bounds] {
        (1...3).map { n in Bounds(objects: max(2, n), domains: max(2, n), threads: max(2, n), frames: n, pages: n) }
            .filter { b in
                b != bounds && b.objects <= bounds.objects && b.domains <= bounds.domains && b.threads <= bounds.threads
                    && b.frames <= bounds.frames && b.pages <= bounds.pages
            }
    }

    /// The claims that fail with `mutant` planted, at `bounds`, and the first counterexample.
    private func failures(_ mutant: Mutant, _ prover: Prover) -> ([Claim], String?) {
        var failed: [Claim] = []
        var first: String? = nil
        prover.prove(mutant.transition, claims, mutant: mutant) { outcome in
            switch outcome.verdict {
            case .proven: break
            case .failed(let text):
                failed.append(outcome.obligation.claim)
                if first == nil { first = text }
            case .vacuous, .unknown:
                failed.append(outcome.obligation.claim)
            }
        }
        return (failed, first)
    }

    func run() -> Bool {
        let catalogue = Mutant.allCases.filter { $0 != .none }
        let prover = Prover(bounds: bounds, smt2Directory: nil)
        let smaller = ladder.map { Prover(bounds: $0, smt2Directory: nil) }
        var caught = 0
        var alone: [String: [Mutant]] = [:]
        for mutant in catalogue {
            let (failed, counterexample) = failures(mutant, prover)
            guard !failed.isEmpty else {
                print("SURVIVED: \(mutant.name) in \(mutant.transition.name): \(mutant.summary)")
                continue
            }
            caught += 1
            if failed.count == 1 { alone[failed[0].name, default: []].append(mutant) }
            let smallest = smaller.first { !failures(mutant, $0).0.isEmpty }?.bounds ?? bounds
            print("caught: \(mutant.name) in \(mutant.transition.name), from \(describe(smallest)): breaks \(failed.map(\.name).joined(separator: ", "))")
            if !quiet, let text = counterexample {
                print(text.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n"))
            }
        }
        let lonely = claims.filter { alone[$0.name] != nil }
        print("claims a mutant breaks alone: \(lonely.count)/\(claims.count)")
        var unaccounted = 0
        for claim in claims where alone[claim.name] == nil {
            if case .invariant(let i) = claim, prover.isImplied(i) {
                print("  no mutant breaks \(claim.name) alone: the other invariants imply it (at \(describe(bounds)))")
            } else {
                print("MISSING: no mutant breaks \(claim.name) alone, and the others do not imply it")
                unaccounted += 1
            }
        }
        print("mutants: \(caught)/\(catalogue.count) caught")
        return caught == catalogue.count && unaccounted == 0
    }

    private func describe(_ b: Bounds) -> String {
        "\(b.objects) objects/\(b.domains) domains/\(b.threads) threads/\(b.frames) frames/\(b.pages) pages"
    }
}
