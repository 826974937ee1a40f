@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import NullnetDomain
import Testing

/// nullnet through its proxy, and the in-place element accessors of the containers it uses.
@Suite struct NullnetTests {
    @Test func theFramesFieldsAreWhereTheInterfaceSays() {
        #expect(MemoryLayout<NetFrame>.offset(of: \.data) == 0)
        #expect(MemoryLayout<NetFrame>.offset(of: \.length) == NetFrame.lengthField.offset)
        #expect(MemoryLayout<NetFrame>.offset(of: \.status) == NetFrame.statusField.offset)
    }

    /// A batch of `lengths`, each frame's first byte its index.
    func batch(_ lengths: [UInt16]) throws -> RRefDeque<NetFrame, 32> {
        var frames = try RRefDeque<NetFrame, 32>()
        for (i, length) in lengths.enumerated() {
            var data = InlineArray<2048, UInt8>(repeating: 0)
            data[0] = UInt8(i)
            #expect(push(try RRef(NetFrame(length: length, data: data)), into: &frames))
        }
        return frames
    }

    /// Whether the deque took the frame (one it refused is let go of, not dropped).
    func push<let N: Int>(_ frame: consuming RRef<NetFrame>, into frames: inout RRefDeque<NetFrame, N>) -> Bool {
        guard let back = frames.push(frame) else { return true }
        _ = back._relinquish()
        return false
    }

    @Test func everyFrameComesBackAsItsOwnAnswerInPlaceAndBadLengthsAreRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let nullnet = try NetDeviceProxy.spawn(name: "nullnet") { Nullnet() }
            let lengths: [UInt16] = [64, 0, 1514, 1515, 60, 2048, 1]
            var frames = try batch(lengths)
            var ids: [ObjectID] = []
            for _ in lengths { let f = try frames.pop()!; ids.append(f.id); _ = frames.push(f) }
            frames = try nullnet.transmit(frames)
            #expect(try frames.count() == lengths.count)
            for (i, length) in lengths.enumerated() {
                let frame = try frames.pop()!
                // The same object, unmoved bytes: answered in place.
                #expect(frame.id == ids[i])
                #expect(try frame.read().data[0] == UInt8(i))
                #expect(try frame.read(NetFrame.lengthField) == length)
                let good = length > 0 && Int(length) <= NetFrame.maximumLength
                #expect(try frame.read(NetFrame.statusField) == (good ? .received : .badLength), "frame \(i), length \(length)")
            }
            let s = try nullnet.statistics()
            #expect(s == NetStatistics(transmittedPackets: 4, transmittedBytes: 64 + 1514 + 60 + 1, receivedPackets: 4,
                                       receivedBytes: 64 + 1514 + 60 + 1, drops: 0, refused: 3))
            // An empty batch comes back empty; nothing is counted.
            #expect(try nullnet.transmit(try RRefDeque()).count() == 0)
            #expect(try nullnet.statistics() == s)
            // Receive buffers come back refused: nullnet takes none.
            let buffers = try nullnet.receive(try batch([0, 0]))
            #expect(try buffers.count() == 2)
            #expect(try buffers.read(NetFrame.statusField, at: 1) == .notAccepted)
            #expect(try nullnet.address().description == "02:00:00:00:00:01")
            #expect(try nullnet.link() == NetLink(isUp: true, megabitsPerSecond: 0))
        }
    }

    @Test func aFrameOrADequeTheCallerDoesNotOwnIsRefusedAndNothingIsLost() throws {
        _ = try HostPlatform.withKernel { _ in
            let nullnet = try NetDeviceProxy.spawn(name: "nullnet") { Nullnet() }
            let other = try Kernel.createDomain(name: "other")
            var theirs: ObjectID? = nil, theirDeque: ObjectID? = nil
            try Kernel.run(in: other) {
                theirs = (try? RRef(NetFrame(length: 64)))?._relinquish()
                theirDeque = (try? RRefDeque<NetFrame, 32>())?._relinquish()
            }
            // A frame of another domain's cannot be put in a batch: it comes back untouched.
            var frames = try batch([64])
            #expect(!push(RRef<NetFrame>(_adopting: theirs!), into: &frames))
            #expect(try frames.count() == 1)
            // Nor can its frames be read or written in place through a forged deque.
            let forged = RRefDeque<NetFrame, 32>(_adopting: theirDeque!)
            #expect(throws: AccessError.self) { try forged.read(NetFrame.lengthField, at: 0) }
            // A forged deque handed to nullnet: the call is refused, the deque stays its owner's.
            #expect(throws: RpcError.self) { _ = try nullnet.transmit(RRefDeque<NetFrame, 32>(_adopting: theirDeque!)) }
            #expect(Kernel.objectsOwned(by: other) == 2)
            #expect(try nullnet.transmit(frames).count() == 1)
            _ = forged._relinquish()
        }
    }

    /// One pass over a deque: every element, front to back (the front moves as the deque
    /// wraps), one field made from another; elsewhere, refused under the elements' own rules.
    @Test func updateEachWritesEveryElementFrontToBackAndIsRefusedWhereAnAccessWouldBe() throws {
        _ = try HostPlatform.withKernel { _ in
            var frames = try batch([10, 20, 30])
            #expect(push(try frames.pop()!, into: &frames))
            var seen: [UInt16] = []
            let n = try frames.updateEach(NetFrame.statusField, from: NetFrame.lengthField) { length in
                seen.append(length)
                return length == 20 ? .badLength : .received
            }
            #expect(n == 3 && seen == [20, 30, 10])
            #expect(try frames.read(NetFrame.statusField, at: 0) == .badLength)
            #expect(try frames.read(NetFrame.statusField, at: 2) == .received)
            // A field made from itself.
            #expect(try frames.updateEach(NetFrame.lengthField, from: NetFrame.lengthField) { $0 + 1 } == 3)
            #expect(try frames.read(NetFrame.lengthField, at: 0) == 21)
            // An empty deque: nothing to do.
            var empty = try RRefDeque<NetFrame, 32>()
            #expect(try empty.updateEach(NetFrame.statusField, from: NetFrame.statusField) { _ in .sent } == 0)
            // Another domain's deque: refused before any element is touched.
            let other = try Kernel.createDomain(name: "other")
            var theirDeque: ObjectID? = nil
            try Kernel.run(in: other) {
                guard var d = try? RRefDeque<NetFrame, 32>(), let f = try? RRef(NetFrame(length: 5)) else { return }
                if let back = d.push(f) { _ = back._relinquish() }
                theirDeque = d._relinquish()
            }
            var forged = RRefDeque<NetFrame, 32>(_adopting: theirDeque!)
            var touched = 0
            #expect(throws: AccessError.self) {
                _ = try forged.updateEach(NetFrame.lengthField, from: NetFrame.lengthField) { touched += 1; return $0 }
            }
            #expect(touched == 0)
            _ = forged._relinquish()
            // A wrong type: refused, whatever its elements are.
            let ints = try RRefDeque<Int, 32>()
            var wrong = RRefDeque<NetFrame, 32>(_adopting: ints.id)
            #expect(throws: AccessError.typeMismatch(ints.id)) {
                _ = try wrong.updateEach(NetFrame.lengthField, from: NetFrame.lengthField) { $0 }
            }
            _ = wrong._relinquish()
        }
    }

    @Test func elementsAreReadAndWrittenInPlaceOnlyUnderTheElementsOwnRules() throws {
        _ = try HostPlatform.withKernel { _ in
            var frames = try batch([10, 20, 30])
            #expect(try frames.read(NetFrame.lengthField, at: 2) == 30)
            // Positions count from the front, which moves as the deque wraps.
            #expect(push(try frames.pop()!, into: &frames))
            #expect(try frames.read(NetFrame.lengthField, at: 0) == 20)
            #expect(try frames.read(NetFrame.lengthField, at: 2) == 10)
            try frames.write(99, to: NetFrame.lengthField, at: 2)
            #expect(try frames.read(NetFrame.lengthField, at: 2) == 99)
            // One field written and another read in one access; the same field reads as it was.
            #expect(try frames.write(.received, to: NetFrame.statusField, at: 1, reading: NetFrame.lengthField) == 30)
            #expect(try frames.read(NetFrame.statusField, at: 1) == .received)
            #expect(try frames.write(12, to: NetFrame.lengthField, at: 1, reading: NetFrame.lengthField) == 30)
            #expect(try frames.read(NetFrame.lengthField, at: 1) == 12)
            #expect(throws: AccessError.badSlot(frames.id, 3)) {
                try frames.write(.sent, to: NetFrame.statusField, at: 3, reading: NetFrame.lengthField)
            }
            // Past the last element: a clear error, not a read of an empty slot.
            #expect(throws: AccessError.badSlot(frames.id, 3)) { try frames.read(NetFrame.lengthField, at: 3) }
            #expect(throws: AccessError.badSlot(frames.id, -1)) { try frames.write(1, to: NetFrame.lengthField, at: -1) }
            // An array's empty slot, and a slot past its end.
            var table = try RRefArray<NetFrame, 4>()
            if let back = table.put(try RRef(NetFrame(length: 7)), at: 1) { _ = back._relinquish(); Issue.record("put refused") }
            #expect(try table.read(NetFrame.lengthField, at: 1) == 7)
            try table.write(.sent, to: NetFrame.statusField, at: 1)
            #expect(try table.read(NetFrame.statusField, at: 1) == .sent)
            #expect(throws: AccessError.badSlot(table.id, 0)) { try table.read(NetFrame.lengthField, at: 0) }
            #expect(throws: AccessError.badSlot(table.id, 4)) { try table.read(NetFrame.lengthField, at: 4) }
            // A container of another type: refused, whatever its elements are.
            let ints = try RRefDeque<Int, 32>()
            let wrong = RRefDeque<NetFrame, 32>(_adopting: ints.id)
            #expect(throws: AccessError.typeMismatch(ints.id)) { try wrong.read(NetFrame.lengthField, at: 0) }
            _ = wrong._relinquish()
            // A dropped deque: stale.
            let gone = frames.id
            _ = consume frames
            let stale = RRefDeque<NetFrame, 32>(_adopting: gone)
            #expect(throws: AccessError.stale(gone)) { try stale.read(NetFrame.lengthField, at: 0) }
            _ = stale._relinquish()
        }
    }
}
