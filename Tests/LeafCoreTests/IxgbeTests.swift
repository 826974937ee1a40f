@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
@_spi(Kernel) import LeafHost
import IxgbeDomain
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import PropertyBased
import Testing

/// Two 82599 models on a virtual bus, cabled to each other (or one looped back), each with the
/// ixgbe driver in its own domain.
final class IxgbeRig {
    let bus = VirtualPCIBus()
    let models: [Intel82599Model]
    let drivers: [NetDeviceProxy]

    init(ports: Int = 2) throws {
        models = (0..<ports).map { Intel82599Model(mac: 0x5634_1200_1b00 + UInt64($0) << 40) }
        if ports == 2 { models[0].cable(to: models[1]) } else { models[0].cable(to: models[0]) }
        var drivers: [NetDeviceProxy] = []
        for (i, model) in models.enumerated() {
            let address = PCIAddress(bus: 0, device: UInt8(4 + i), function: 0)
            bus.attach(model, at: address)
            let function = bus.function(at: address)
            drivers.append(try NetDeviceProxy.spawn(name: "ixgbe\(i)") { IxgbeDriver(function: function) })
        }
        self.drivers = drivers
    }

    /// A frame of `length` bytes whose content says which it is (`sequence`).
    static func frame(_ sequence: Int, length: Int) throws -> RRef<NetFrame> {
        var data = InlineArray<2048, UInt8>(repeating: 0)
        for i in 0..<length { data[i] = UInt8(truncatingIfNeeded: sequence &* 31 &+ i &* 7 &+ (i >> 8)) }
        data[0] = UInt8(truncatingIfNeeded: sequence); data[1] = UInt8(truncatingIfNeeded: sequence >> 8)
        return try RRef(NetFrame(length: UInt16(length), data: data))
    }

    /// The sequence number a frame carries, if its bytes are intact.
    static func sequence(of frame: NetFrame) -> Int? {
        let length = Int(frame.length)
        guard length >= 2 else { return nil }
        let sequence = Int(frame.data[0]) | Int(frame.data[1]) << 8
        for i in 2..<length where frame.data[i] != UInt8(truncatingIfNeeded: sequence &* 31 &+ i &* 7 &+ (i >> 8)) { return nil }
        return sequence
    }
}

@Suite struct IxgbeTests {
    @Test func bringUpReadsTheAddressAndTheLinkAndFramesLoopBackIntactInOrder() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try IxgbeRig(ports: 1)
            let port = rig.drivers[0]
            #expect(try port.address() == MACAddress(raw: rig.models[0].mac))
            #expect(try port.link() == NetLink(isUp: true, megabitsPerSecond: 10_000))
            var buffers = try RRefDeque<NetFrame, 32>()
            for _ in 0..<32 { _ = buffers.push(try RRef(NetFrame())) }
            buffers = try port.receive(buffers)
            #expect(try buffers.count() == 0)
            var frames = try RRefDeque<NetFrame, 32>()
            for s in 0..<32 { _ = frames.push(try IxgbeRig.frame(s, length: 60 + 40 * s)) }
            frames = try port.transmit(frames)
            rig.models[0].step()
            // Written back four at a time (WTHRESH 4), all by now: each comes back sent, in
            // this call or the next (which sends nothing new).
            var later = try port.transmit(try RRefDeque())
            #expect(try frames.count() + later.count() == 32)
            for i in 0..<(try frames.count()) { #expect(try frames.read(NetFrame.statusField, at: i) == .sent) }
            for i in 0..<(try later.count()) { #expect(try later.read(NetFrame.statusField, at: i) == .sent) }
            _ = consume later
            buffers = try port.receive(buffers)
            #expect(try buffers.count() == 32)
            for s in 0..<32 {
                let f = try buffers.pop()!.read()
                #expect(f.status == .received && Int(f.length) == 60 + 40 * s && IxgbeRig.sequence(of: f) == s)
            }
            let stats = try port.statistics()
            #expect(stats.transmittedPackets == 32 && stats.receivedPackets == 32 && stats.drops == 0)
        }
    }

    @Test func badFramesAndFaultsGetClearErrorsAndNothingIsLost() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try IxgbeRig()
            let (a, b) = (rig.drivers[0], rig.drivers[1])
            // Over 1514 bytes and empty: refused; an empty batch comes back empty.
            var bad = try RRefDeque<NetFrame, 32>()
            _ = bad.push(try RRef(NetFrame(length: 1515)))
            _ = bad.push(try RRef(NetFrame(length: 0)))
            bad = try a.transmit(bad)
            #expect(try bad.read(NetFrame.statusField, at: 0) == .badLength && bad.read(NetFrame.statusField, at: 1) == .badLength)
            #expect(try a.transmit(try RRefDeque()).count() == 0)
            // No buffer posted: the frame is dropped by hardware and counted.
            var one = try RRefDeque<NetFrame, 32>()
            _ = one.push(try IxgbeRig.frame(1, length: 100))
            one = try a.transmit(one)
            #expect(rig.models[1].framesDropped == 1)
            #expect(try b.statistics().drops == 1)
            // A corrupted write-back: that buffer comes back with a receive error.
            var buffers = try RRefDeque<NetFrame, 32>()
            _ = buffers.push(try RRef(NetFrame()))
            buffers = try b.receive(buffers)
            rig.models[1].corruptNextReceive = true
            _ = one.push(try IxgbeRig.frame(2, length: 100))
            one = try a.transmit(one)
            buffers = try b.receive(buffers)
            #expect(try buffers.count() == 1 && buffers.read(NetFrame.statusField, at: 0) == .receiveError)
            // Link lost: sent, never received; a stuck queue: frames stay with the device, none lost.
            rig.models[0].linkUp = false
            #expect(try a.link().isUp == false)
            rig.models[0].transmitStuck = true
            let delivered = rig.models[1].framesDelivered
            var stuck = try RRefDeque<NetFrame, 32>()
            for s in 0..<4 { _ = stuck.push(try IxgbeRig.frame(10 + s, length: 64)) }
            stuck = try a.transmit(stuck)
            rig.models[0].step()
            var back = try a.transmit(try RRefDeque())
            // Only the two frames sent before the fault (their write-backs were held, WTHRESH 4).
            #expect(try back.count() == 2 && stuck.count() == 0)
            rig.models[0].transmitStuck = false
            rig.models[0].step()
            let all = try a.transmit(try RRefDeque())
            rig.models[0].step()
            let rest = try a.transmit(try RRefDeque())
            // The four come back sent once the queue moves again; none reached the other port.
            #expect(try all.count() + rest.count() == 4)
            #expect(rig.models[1].framesDelivered == delivered)
            _ = consume back
        }
    }

    @Test(.shrinking(true)) func randomBurstsArriveOnceIntactInOrderAndDropsAreCounted() async {
        let sequences = 300
        print("ixgbe property: \(sequences) sequences (seed printed on failure)")
        await propertyCheck(count: sequences, input: Gen.uint32().array(of: 1...40)) { raw in
            do {
                let failures = try HostPlatform.withKernel { _ in try Self.burst(raw) }.0
                if !failures.isEmpty { Issue.record("\(failures.joined(separator: "\n"))\ninput: \(raw)") }
            } catch { Issue.record("\(error)\ninput: \(raw)") }
        }
    }

    /// One sequence: each number is a burst from port 0 (1-32 frames of 60-1514 bytes), the
    /// buffers port 1 posts first (0-32), and whether the write-back timer fires.
    static func burst(_ raw: [UInt32]) throws -> [String] {
        let rig = try IxgbeRig()
        let (a, b) = (rig.drivers[0], rig.drivers[1])
        var failures: [String] = []
        var sent = 0, sentBack = 0, received: [Int] = []
        var receiveError = 0
        func collect(_ deque: inout RRefDeque<NetFrame, 32>, isReceive: Bool) throws {
            var keep = try RRefDeque<NetFrame, 32>()
            while let f = try deque.pop() {
                let v = try f.read()
                if isReceive {
                    if v.status == .received {
                        guard let s = IxgbeRig.sequence(of: v) else { failures.append("a frame arrived damaged"); continue }
                        received.append(s)
                    } else if v.status == .receiveError { receiveError += 1 }
                } else {
                    if v.status == .sent { sentBack += 1 } else { failures.append("a frame came back \(v.status)") }
                }
                _ = keep.push(f)
            }
            deque = keep
        }
        var buffers = try RRefDeque<NetFrame, 32>()
        for r in raw {
            let post = Int(r >> 8 & 0x3f) % 33
            var fresh = try RRefDeque<NetFrame, 32>()
            for _ in 0..<post { _ = fresh.push(try RRef(NetFrame())) }
            fresh = try b.receive(fresh)
            try collect(&fresh, isReceive: true)
            var frames = try RRefDeque<NetFrame, 32>()
            let count = 1 + Int(r & 0x1f)
            for i in 0..<count {
                let length = 60 + Int((r >> 14) &+ UInt32(i) &* 977) % (NetFrame.maximumLength - 59)
                _ = frames.push(try IxgbeRig.frame(sent, length: length))
                sent += 1
            }
            frames = try a.transmit(frames)
            try collect(&frames, isReceive: false)
            if r & 1 << 30 != 0 { rig.models[0].step(); rig.models[1].step() }
            buffers = try b.receive(buffers)
            try collect(&buffers, isReceive: true)
            _ = consume buffers
            buffers = try RRefDeque()
        }
        // Drain: every write-back made, every sent frame handed back.
        for _ in 0..<40 {
            rig.models[0].step(); rig.models[1].step()
            var frames = try a.transmit(try RRefDeque())
            try collect(&frames, isReceive: false)
            buffers = try b.receive(buffers)
            try collect(&buffers, isReceive: true)
            _ = consume buffers
            buffers = try RRefDeque()
        }
        let dropped = rig.models[1].framesDropped
        if sentBack != sent { failures.append("\(sent) frames sent, \(sentBack) handed back sent") }
        if received.count + dropped != sent { failures.append("\(sent) sent, \(received.count) received, \(dropped) dropped") }
        if received != received.sorted() || Set(received).count != received.count { failures.append("frames out of order or twice: \(received)") }
        if receiveError != 0 { failures.append("\(receiveError) receive errors with no fault") }
        let sa = try a.statistics(), sb = try b.statistics()
        if sa.transmittedPackets != UInt64(sent) { failures.append("port 0 counted \(sa.transmittedPackets) sent of \(sent)") }
        if sb.receivedPackets != UInt64(received.count) || sb.drops != UInt64(dropped) {
            failures.append("port 1 counted \(sb.receivedPackets) received and \(sb.drops) drops; the model \(received.count) and \(dropped)")
        }
        return failures
    }
}
