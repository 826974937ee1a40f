@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import Testing

/// Moves between containers (a batch into a driver's table of requests in flight and back):
/// what a take then a put would do, in one step, all or nothing.
@Suite struct ContainerMoveTests {
    /// A deque holding `values`, the current domain's.
    static func deque(_ values: [Int]) throws -> RRefDeque<Int, 4> {
        var deque = try RRefDeque<Int, 4>()
        for v in values { #expect(deque.push(try RRef(v)) == nil) }
        return deque
    }

    /// What the containers hold, in order (the deque from its front), and who owns what.
    static func snapshot(_ deque: borrowing RRefDeque<Int, 4>, _ array: borrowing RRefArray<Int, 4>) throws -> [String] {
        var held: [String] = []
        for p in 0..<(try deque.count()) { held.append("d\(try deque.read(ExchangeableField<Int, Int>(offset: 0), at: p))") }
        for s in 0..<4 { held.append(try array.isOccupied(s) ? "a\(try array.read(at: s))" : "-") }
        held.append("owned \(Kernel.objectsOwned(by: .kernel)), live \(Kernel.liveObjects)")
        return held
    }

    @Test func theFrontOfADequeMovesIntoAnArraySlotAndBackWithItsElementHeldThroughout() throws {
        _ = try HostPlatform.withKernel { _ in
            var deque = try Self.deque([10, 11, 12]), array = try RRefArray<Int, 4>()
            let owned = Kernel.objectsOwned(by: .kernel)
            let front = Kernel.elements(ofContainerAt: Int(deque.id.index)).first { $0 != .none }!
            #expect(try array.put(fromFrontOf: &deque, at: 2))
            #expect(try array.read(at: 2) == 10)
            #expect(try deque.count() == 2)
            let entry = Kernel.object(at: Int(front.index))
            #expect(entry.state == .held && entry.parent == array.id.index)
            #expect(Kernel.objectsOwned(by: .kernel) == owned)   // the element was never the domain's own
            // Reading a field as it moves: the next front, 11.
            #expect(try array.put(fromFrontOf: &deque, at: 0, reading: ExchangeableField<Int, Int>(offset: 0)) == 11)
            // Back to the deque's end, one written as it moves.
            try deque.push(takingFrom: &array, at: 2)
            try deque.push(takingFrom: &array, at: 0, writing: 21, to: ExchangeableField<Int, Int>(offset: 0))
            #expect(try Self.snapshot(deque, array) == ["d12", "d10", "d21", "-", "-", "-", "-", "owned \(owned), live \(Kernel.liveObjects)"])
            #expect(Kernel.object(at: Int(front.index)).parent == deque.id.index)
            // An empty deque moves nothing.
            var empty = try RRefDeque<Int, 4>()
            #expect(try array.put(fromFrontOf: &empty, at: 1) == false)
            #expect(try array.put(fromFrontOf: &empty, at: 1, reading: ExchangeableField<Int, Int>(offset: 0)) == nil)
            #expect(try array.isOccupied(1) == false)
        }
    }

    @Test func aRefusedMoveChangesNothing() throws {
        _ = try HostPlatform.withKernel { _ in
            var deque = try Self.deque([1, 2, 3, 4]), array = try RRefArray<Int, 4>()
            #expect(try array.put(fromFrontOf: &deque, at: 0))
            let before = try Self.snapshot(deque, array)
            func refused(_ why: String, _ expected: (AccessError) -> Bool, _ move: () throws(AccessError) -> Void) {
                do throws(AccessError) {
                    try move()
                    Issue.record("\(why): the move was made")
                } catch {
                    #expect(expected(error), "\(why): \(error)")
                }
                #expect((try? Self.snapshot(deque, array)) == before, "\(why): the containers changed")
            }
            refused("an occupied slot", { if case .badSlot = $0 { true } else { false } }) { () throws(AccessError) in
                _ = try array.put(fromFrontOf: &deque, at: 0)
            }
            for slot in [-1, 4, Int.max] {
                refused("slot \(slot)", { if case .badSlot = $0 { true } else { false } }) { () throws(AccessError) in
                    _ = try array.put(fromFrontOf: &deque, at: slot)
                }
                refused("taking from slot \(slot)", { if case .badSlot = $0 { true } else { false } }) { () throws(AccessError) in
                    try deque.push(takingFrom: &array, at: slot)
                }
            }
            refused("an empty slot", { if case .badSlot = $0 { true } else { false } }) { () throws(AccessError) in
                try deque.push(takingFrom: &array, at: 1)
            }
            // The deque has room for one: filled, then a move into it is refused.
            #expect(deque.push(try RRef(5)) == nil)
            let full = try Self.snapshot(deque, array)
            do throws(AccessError) {
                try deque.push(takingFrom: &array, at: 0)
                Issue.record("a move into a full deque was made")
            } catch {
                if case .full = error {} else { Issue.record("a full deque: \(error)") }
            }
            #expect(try Self.snapshot(deque, array) == full)
        }
    }

    @Test func containersOfAnotherDomainCannotBeMovedFromOrInto() throws {
        _ = try HostPlatform.withKernel { _ in
            let other = try Kernel.createDomain(name: "other")
            var ids: (ObjectID, ObjectID)? = nil
            try Kernel.run(in: other) { ids = (try! Self.deque([7, 8])._relinquish(), try! RRefArray<Int, 4>()._relinquish()) }
            var theirDeque = RRefDeque<Int, 4>(_adopting: ids!.0), theirArray = RRefArray<Int, 4>(_adopting: ids!.1)
            var mine = try Self.deque([1]), myArray = try RRefArray<Int, 4>()
            // Their deque into my array, my deque into their array, their array to my deque.
            #expect(throws: AccessError.self) { _ = try myArray.put(fromFrontOf: &theirDeque, at: 0) }
            #expect(throws: AccessError.self) { _ = try theirArray.put(fromFrontOf: &mine, at: 0) }
            try Kernel.run(in: other) {
                var d = RRefDeque<Int, 4>(_adopting: ids!.0), a = RRefArray<Int, 4>(_adopting: ids!.1)
                #expect(try! a.put(fromFrontOf: &d, at: 3))
                _ = d._relinquish()
                _ = a._relinquish()
            }
            #expect(throws: AccessError.self) { try mine.push(takingFrom: &theirArray, at: 3) }
            #expect(try mine.count() == 1)
            #expect(try myArray.isOccupied(0) == false)
            #expect(Kernel.elements(ofContainerAt: Int(theirArray.id.index))[3] != .none)
            #expect(Kernel.objectsOwned(by: other) == 2)
            _ = theirDeque._relinquish()
            _ = theirArray._relinquish()
            try Kernel.tearDown(other)
        }
    }
}
