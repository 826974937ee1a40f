import LeafAbstraction
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import Specs
import Testing

/// The one-step moves between containers (`RRefArray.put(fromFrontOf:at:)`,
/// `RRefDeque.push(takingFrom:at:)`) refine the spec's `take` then `put`: the abstraction of
/// LeafCore's tables after a move is the spec state after the two steps from the state before;
/// a refused move leaves it unchanged; and the invariants hold after every transition.
@Suite struct ContainerMoveRefinementTests {
    @Test func aMoveBetweenContainersIsTheSpecsTakeThenPut() throws {
        ObservedInvariants.transitions = 0
        ObservedInvariants.broken = []
        let pages = refinementBounds.pages + 8
        let (_, report) = try HostPlatform.withKernel(refinementConfiguration) { _ in
            var deque = try RRefDeque<Int, 4>()
            for v in [1, 2] { #expect(deque.push(try RRef(v)) == nil) }
            var array = try RRefArray<Int, 4>()
            let d = Int(deque.id.index), a = Int(array.id.index)
            Kernel.transitionObserver = ObservedInvariants.observe
            defer { Kernel.transitionObserver = nil }

            /// Runs `move` and compares LeafCore's tables with the spec after `steps` (none: refused).
            func expectSpec(_ note: String, _ steps: [(Transition, [Int])], _ move: () throws(AccessError) -> Void) throws {
                var spec = try Abstraction.state(pages: pages)
                for (t, args) in steps { spec = try #require(spec.applying(t, args), "\(note): the spec refuses \(t.name)\(args)") }
                var refusal: AccessError? = nil
                do throws(AccessError) { try move() } catch { refusal = error }
                #expect((refusal != nil) == steps.isEmpty, "\(note): \(refusal.map { "refused: \($0)" } ?? "made")")
                let differences = spec.differences(from: try Abstraction.state(pages: pages), pageIdentity: false)
                #expect(differences.isEmpty, "\(note): \(differences)")
            }

            let first = Int(Kernel.elements(ofContainerAt: d)[0].index)
            let second = Int(Kernel.elements(ofContainerAt: d)[1].index)
            try expectSpec("the deque's front into slot 1", [(.take, [first]), (.put, [first, a])]) { () throws(AccessError) in
                _ = try array.put(fromFrontOf: &deque, at: 1)
            }
            try expectSpec("the next front into the occupied slot 1", []) { () throws(AccessError) in
                _ = try array.put(fromFrontOf: &deque, at: 1)
            }
            try expectSpec("the next front into slot 3, read as it moves", [(.take, [second]), (.put, [second, a])]) { () throws(AccessError) in
                _ = try array.put(fromFrontOf: &deque, at: 3, reading: ExchangeableField<Int, Int>(offset: 0))
            }
            try expectSpec("the empty slot 0 to the deque", []) { () throws(AccessError) in
                try deque.push(takingFrom: &array, at: 0)
            }
            try expectSpec("slot 1 back to the deque, written as it moves", [(.take, [first]), (.put, [first, d])]) { () throws(AccessError) in
                try deque.push(takingFrom: &array, at: 1, writing: 9, to: ExchangeableField<Int, Int>(offset: 0))
            }
            #expect(try deque.pop()?.read() == 9)
            #expect(ObservedInvariants.transitions >= 5)
            #expect(ObservedInvariants.broken.isEmpty, "\(ObservedInvariants.broken)")
        }
        #expect(report.objectsLeft == 0 && report.pagesLeft == 0)
    }
}
