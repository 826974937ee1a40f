import Specs

/// One proof obligation: invariant `invariant` holds after `transition` (nil: after boot),
/// assuming every invariant and the transition's guard before it.
struct Obligation {
    let invariant: Invariant
    let transition: Transition?
    var columnName: String { transition?.name ?? "init" }
}

/// What became of an obligation.
enum Verdict {
    /// Z3 found no state breaking the invariant.
    case proven
    /// Z3 found one; the counterexample is printed.
    case failed(String)
    /// The hypotheses (all invariants and the guard) cannot hold together: the proof would be
    /// vacuous.
    case vacuous
    /// Z3 gave up (unknown): never counted as proven.
    case unknown(String)

    var isProven: Bool { if case .proven = self { return true } else { return false } }
}

struct Outcome {
    let obligation: Obligation
    let verdict: Verdict
    let seconds: Double
}

/// The selection of obligations a run proves.
struct Selection {
    var machine: Machine?
    var invariant: Invariant?
    var transition: Transition?
    var includeInit = true

    var transitions: [Transition] {
        Transition.allCases.filter { t in
            (machine == nil || t.machine == machine) && (transition == nil || t == transition)
        }
    }
    var invariants: [Invariant] { Invariant.allCases.filter { invariant == nil || $0 == invariant } }
    /// Boot is part of every machine; it is left out when one transition is asked for.
    var provesInit: Bool { includeInit && transition == nil }
}
