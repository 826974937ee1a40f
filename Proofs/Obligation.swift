import Specs

/// What an obligation claims of a step: that a state invariant holds after it, or that the
/// step respects a transition property (borrows, authority, frame, overflow).
enum Claim: Equatable {
    case invariant(Invariant)
    case property(TransitionProperty)

    static let all: [Claim] = Invariant.allCases.map { .invariant($0) } + TransitionProperty.allCases.map { .property($0) }

    var name: String {
        switch self {
        case .invariant(let i): i.name
        case .property(let p): p.name
        }
    }
    var summary: String {
        switch self {
        case .invariant(let i): i.summary
        case .property(let p): p.summary
        }
    }
    /// Boot is no step: only the invariants are claimed of it.
    var appliesToBoot: Bool { if case .invariant = self { true } else { false } }

    /// The universes whose counts the claim is about (no-overflow: every count's range): the
    /// unbounded proof assumes how counts over these relate across a step for it only.
    var countedRows: [Universe] {
        switch self {
        case .invariant(.objectCountsMatch): [.objects]
        case .invariant(.pageCountsMatch): [.pages]
        case .invariant(.deadDomainsOwnNothing): [.objects, .pages]
        case .invariant(.borrowsCountLendingFrames): [.frameSlots]
        case .invariant(.runQueueHoldsReadyThreads): [.threads]
        case .property(.noOverflow): [.objects, .pages, .frameSlots, .threads]
        default: []
        }
    }

    /// The claim of the step from `before` to `after`.
    func holds<L: Logic>(before: SpecState<L>, after: SpecState<L>, transition: Transition?, arguments: [L.Value]) -> L.Truth {
        switch self {
        case .invariant(let i): return i.holds(in: after)
        case .property(let p):
            guard let transition else { return after.logic.truth(true) }
            return p.holds(before: before, after: after, transition: transition, arguments: arguments)
        }
    }
}

/// One proof obligation: `claim` holds of `transition` (nil: boot), assuming every invariant
/// and the transition's guard before it.
struct Obligation {
    let claim: Claim
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
    var claim: Claim?
    var transition: Transition?
    var includeInit = true

    var transitions: [Transition] {
        Transition.allCases.filter { t in
            (machine == nil || t.machine == machine) && (transition == nil || t == transition)
        }
    }
    var claims: [Claim] { Claim.all.filter { claim == nil || $0 == claim } }
    /// Boot is part of every machine; it is left out when one transition is asked for.
    var provesInit: Bool { includeInit && transition == nil }
}
