/// The range facts of one step's arithmetic, recorded as the step is built (`counted`): the
/// prover's no-overflow obligation is their conjunction. A reference, so that every copy of a
/// state a transition makes records into the one ledger of the step.
public final class Ledger<L: Logic> {
    public private(set) var facts: [L.Truth] = []
    public init() {}
    func record(_ fact: L.Truth) { facts.append(fact) }
}
