@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import LeafBoot
import VirtioNetDomain
import IxgbeDomain
@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafDevices

/// nullnet in its own domain on bare metal: a batch of frames answered in place across the
/// boundary, a bad length refused, the counters; the cost per packet (for information).
extension SelfTest {
    static func nullnet() {
        print("step: nullnet")
        guard let graph, let net = graph.proxy(NetDeviceProxy.self, of: "nullnet") else { check(false, "the manifest's nullnet domain"); return }
        let lengths: [UInt16] = (0..<31).map { 60 + UInt16($0) * 48 } + [1515]
        guard var frames = try? RRefDeque<NetFrame, 32>() else { check(false, "a deque of frames"); return }
        for length in lengths {
            guard let frame = try? RRef(NetFrame(length: length)), frames.push(frame) == nil else { check(false, "a batch of frames"); return }
        }
        do throws(RpcError) { frames = try net.transmit(frames) } catch { check(false, "nullnet transmit: \(error)"); return }
        var statuses: [NetStatus] = []
        for position in 0..<lengths.count { statuses.append((try? frames.read(NetFrame.statusField, at: position)) ?? .pending) }
        check(statuses.dropLast().allSatisfy { $0 == .received } && statuses.last == .badLength,
              "nullnet (\(net.domain)) answered 31 frames in place and refused one of 1515 bytes: \(statuses.last.map { "\($0)" } ?? "?")")
        let counted = (try? net.statistics()).map { $0.receivedPackets == 31 && $0.refused == 1 } ?? false
        check(counted, "nullnet's counters: 31 answered, 1 refused")
        // Only good frames from here on: the cost of the software path per packet.
        for position in 0..<lengths.count { try? frames.write(64, to: NetFrame.lengthField, at: position) }
        let rounds: UInt64 = 1000
        let begin = Clock.now
        for _ in 0..<rounds {
            do throws(RpcError) { frames = try net.transmit(frames) } catch { check(false, "nullnet transmit: \(error)"); return }
        }
        print("nullnet: \((Clock.now - begin) / (rounds * UInt64(lengths.count))) TSC cycles per packet at batch 32 across a domain boundary")
    }
}

/// The virtio-net driver on QEMU's modern virtio-net, on user networking (DEVICE-FACTS §2-3):
/// an ARP request for the gateway 10.0.2.2 and an ICMP echo to it, answered by QEMU itself;
/// boot/qemu.sh keeps the exchange in out/virtio-net.pcap.
extension SelfTest {
    static let ourIP: [UInt8] = [10, 0, 2, 15]
    static let gatewayIP: [UInt8] = [10, 0, 2, 2]

    static func virtioNet() {
        print("step: virtio-net")
        guard let graph, let net = graph.proxy(NetDeviceProxy.self, of: "virtio-net") else { check(false, "the manifest's virtio-net domain"); return }
        let mac: MACAddress
        do throws(RpcError) { mac = try net.address() } catch {
            check(false, "the virtio-net driver has no device: \(error); \((net.target as? VirtioNetDriver)?.failure ?? "")")
            return
        }
        let up = (try? net.link().isUp) ?? false
        check(up, "the virtio-net driver (\(net.domain)) brought the device up from firmware's state: MAC \(mac), link up")
        let ours = (0..<6).map { mac.octet($0) }
        // Receive buffers first: QEMU drops what arrives while the ring is empty.
        guard var posted = try? RRefDeque<NetFrame, 32>() else { check(false, "receive buffers"); return }
        for _ in 0..<16 { guard let b = try? RRef(NetFrame()), posted.push(b) == nil else { check(false, "receive buffers"); return } }
        // ARP (RFC 826): who has 10.0.2.2, tell 10.0.2.15.
        let arp = [UInt8](repeating: 0xff, count: 6) + ours + [0x08, 0x06, 0, 1, 0x08, 0x00, 6, 4, 0, 1] + ours + ourIP
            + [UInt8](repeating: 0, count: 6) + gatewayIP
        guard send(net, arp) else { return }
        guard let reply = awaitFrame(net, &posted, { f in
            f.count >= 42 && f[12] == 0x08 && f[13] == 0x06 && f[20] == 0 && f[21] == 2 && Array(f[28..<32]) == gatewayIP
        }) else { check(false, "an ARP reply from 10.0.2.2"); return }
        let gateway = Array(reply[22..<28])
        check(true, "ARP: 10.0.2.2 is at \(gateway.map { Console.hex(UInt64($0), digits: 2) }.joined(separator: ":"))")
        // ICMP echo (RFC 792) in IPv4 (RFC 791), both checksums computed here (slirp drops bad ones).
        let payload = (0..<32).map { UInt8($0 &* 7 &+ 1) }
        var icmp: [UInt8] = [8, 0, 0, 0, 0x53, 0x57, 0, 1] + payload
        let icmpSum = checksum(icmp)
        icmp[2] = UInt8(icmpSum >> 8); icmp[3] = UInt8(icmpSum & 0xff)
        let total = 20 + icmp.count
        var ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0x12, 0x34, 0, 0, 64, 1, 0, 0] + ourIP + gatewayIP
        let ipSum = checksum(ip)
        ip[10] = UInt8(ipSum >> 8); ip[11] = UInt8(ipSum & 0xff)
        let begin = Clock.now
        guard send(net, gateway + ours + [0x08, 0x00] + ip + icmp) else { return }
        let echo = awaitFrame(net, &posted) { f in
            f.count >= 34 + 8 + payload.count && f[12] == 0x08 && f[13] == 0x00 && f[23] == 1 && Array(f[26..<30]) == gatewayIP
                && f[34] == 0 && f[38] == 0x53 && f[39] == 0x57 && f[41] == 1 && Array(f[42..<42 + payload.count]) == payload
        }
        let us = (Clock.now - begin) * 1000 / max(1, Clock.tscPerMs)
        check(echo != nil, "ICMP echo to 10.0.2.2 answered with the same identifier, sequence and \(payload.count) bytes of data")
        if echo != nil { print("virtio-net: ARP and ICMP echo with QEMU's user network; echo reply after \(us) us") }
        if let s = try? net.statistics() {
            check(s.transmittedPackets >= 2 && s.receivedPackets >= 2 && s.refused == 0,
                  "virtio-net counters: \(s.transmittedPackets) sent (\(s.transmittedBytes) B), \(s.receivedPackets) received (\(s.receivedBytes) B), \(s.refused) refused")
        }
        // Bad input: an empty frame and one over 1514 bytes come back refused.
        var bad = (try? RRefDeque<NetFrame, 32>())
        _ = bad?.push(try! RRef(NetFrame(length: 0)))
        _ = bad?.push(try! RRef(NetFrame(length: 1515)))
        if let b = bad, let back = try? net.transmit(b) {
            let statuses = (0..<2).map { (try? back.read(NetFrame.statusField, at: $0)) ?? .pending }
            check(statuses == [.badLength, .badLength], "frames of 0 and 1515 bytes refused: \(statuses[0]), \(statuses[1])")
        }
    }

    /// The Internet checksum (RFC 1071) of `bytes`.
    static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < bytes.count { sum += UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1]); i += 2 }
        if i < bytes.count { sum += UInt32(bytes[i]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// Sends one frame, and waits (at most 1 s) for the device to hand it back sent.
    static func send(_ net: NetDeviceProxy, _ bytes: [UInt8]) -> Bool {
        var frame = NetFrame(length: UInt16(bytes.count))
        for (i, b) in bytes.enumerated() { frame.data[i] = b }
        guard var batch = try? RRefDeque<NetFrame, 32>(), let ref = try? RRef(frame), batch.push(ref) == nil else { check(false, "a frame to send"); return false }
        let deadline = Clock.deadline(afterMilliseconds: 1000)
        while Clock.now < deadline {
            do throws(RpcError) { batch = try net.transmit(batch) } catch { check(false, "virtio-net transmit: \(error)"); return false }
            if let status = try? batch.read(NetFrame.statusField, at: 0), (try? batch.count()) == 1 {
                guard status == .sent else { check(false, "a frame of \(bytes.count) bytes sent: \(status)"); return false }
                return true
            }
        }
        check(false, "a frame of \(bytes.count) bytes sent within 1 s")
        return false
    }

    /// Keeps the receive buffers posted and looks at each frame received (at most 2 s) until
    /// one satisfies `match`; every buffer goes back to the device.
    static func awaitFrame(_ net: NetDeviceProxy, _ posted: inout RRefDeque<NetFrame, 32>, _ match: ([UInt8]) -> Bool) -> [UInt8]? {
        let deadline = Clock.deadline(afterMilliseconds: 2000)
        var found: [UInt8]? = nil
        while found == nil && Clock.now < deadline {
            do throws(RpcError) { posted = try net.receive(posted) } catch {
                // The buffers went with the failed call; what is left is an empty handle.
                posted = RRefDeque(_adopting: .none)
                check(false, "virtio-net receive: \(error)")
                return nil
            }
            // Each one in turn from the front, and back at the end (to be posted again).
            for _ in 0..<((try? posted.count()) ?? 0) {
                guard let frame = (try? posted.pop()) ?? nil else { break }
                if found == nil, let value = try? frame.read(), value.status == .received {
                    let bytes = (0..<Int(value.length)).map { value.data[$0] }
                    if match(bytes) { found = bytes }
                }
                _ = posted.push(frame)
            }
        }
        return found
    }
}

/// The ixgbe driver in its own domain on bare metal, against the 82599 model running in the
/// kernel through the device layer (no hypervisor has an 82599), looped back: a batch of frames
/// sent comes back received, intact and in order (8 of them: the booted kernel's object table
/// has 64 rows, most taken by the drivers before).
extension SelfTest {
    static func ixgbeOnModel() {
        print("step: ixgbe on the 82599 model")
        let bus = VirtualPCIBus()
        let model = Intel82599Model()
        model.cable(to: model)
        let address = PCIAddress(bus: 1, device: 1, function: 0)
        bus.attach(model, at: address)
        let net: NetDeviceProxy
        do throws(KernelError) { net = try NetDeviceProxy.spawn(name: "ixgbe-model") { IxgbeDriver(function: bus.function(at: address)) } }
        catch { check(false, "the ixgbe domain: \(error)"); return }
        let mac = try? net.address()
        check(mac?.raw == model.mac && ((try? net.link().isUp) ?? false) && model.accessesTooSoonAfterReset == 0,
              "the ixgbe driver (\(net.domain)) brought the 82599 model up: MAC \(mac.map { "\($0)" } ?? "none"), link up at 10 Gb/s, \(model.accessesTooSoonAfterReset) accesses within 1 ms of its reset")
        guard var buffers = try? RRefDeque<NetFrame, 32>(), var frames = try? RRefDeque<NetFrame, 32>(),
              let empty = try? RRefDeque<NetFrame, 32>() else { check(false, "deques of frames"); return }
        let batch = 8
        for i in 0..<batch {
            var frame = NetFrame(length: UInt16(60 + 180 * i))
            for k in 0..<Int(frame.length) { frame.data[k] = UInt8(truncatingIfNeeded: i &* 17 &+ k) }
            do throws(KernelError) {
                guard buffers.push(try RRef(NetFrame())) == nil, frames.push(try RRef(frame)) == nil else {
                    check(false, "frames to loop back: a deque refused frame \(i)"); return
                }
            } catch { check(false, "frames to loop back: frame \(i): \(error)"); return }
        }
        do throws(RpcError) {
            buffers = try net.receive(buffers)
            frames = try net.transmit(frames)
            model.step()
            let more = try net.transmit(empty)
            let sent = ((try? frames.count()) ?? 0) + ((try? more.count()) ?? 0)
            buffers = try net.receive(buffers)
            var intact = 0
            for i in 0..<batch {
                guard let f = try? buffers.pop(), let v = try? f.read(), v.status == .received, Int(v.length) == 60 + 180 * i else { continue }
                var same = true
                for k in 0..<Int(v.length) where v.data[k] != UInt8(truncatingIfNeeded: i &* 17 &+ k) { same = false; break }
                if same { intact += 1 }
            }
            check(sent == batch && intact == batch, "\(batch) frames of 60 to 1320 bytes looped back through the model: \(sent) handed back sent, \(intact) received intact and in order")
        } catch { check(false, "ixgbe on the model: \(error)") }
        try? Kernel.tearDown(net.domain)
    }
}
