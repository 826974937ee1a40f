@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing

/// The generated proxies at run time: `spawn`, every way of crossing (copies, moves, lends,
/// two moves in one call, returned arrays, interface references), crashes and restarts.
@Suite struct GeneratedProxyCallTests {
    static let clean = HostPlatform.ShutdownReport(pagesLeft: 0, objectsLeft: 0, hostPagesLeaked: 0)

    @Test func probeCallsThroughSpawn() throws {
        let (_, report) = try HostPlatform.withKernel { _ in
            let probe = try ProbeProxy.spawn(name: "probe") { AddingProbe() }
            #expect(Kernel.name(of: probe.domain) == "probe")
            try probe.ping()
            #expect(try probe.add(2, 3) == 5)
            #expect(try probe.keep(try RRef(41)) == 41)
            #expect(Kernel.objectsOwned(by: probe.domain) == 1)
            let lent = try RRef(9)
            #expect(try probe.inspect(lent) == 9)
            #expect(Kernel.object(at: Int(lent.id.index)).borrows == 0)
            let made = try probe.make(7)
            #expect(try made.read() == 7)
            let exchanged = try probe.exchange(try RRef(1))
            #expect(try exchanged.read() == 2)
            var batch = try RRefDeque<Int, 32>()
            for i in 0..<3 { #expect(pushed(&batch, try RRef(i))) }
            var back = try probe.batch(batch)
            #expect(try back.count() == 3)
            #expect(try back.pop()?.read() == 0)
            #expect(try probe.relay(Route([]), 0, lent) == 9)
        }
        #expect(report == Self.clean)
    }

    @Test func aCrashThenARestartRebindsTheProxy() throws {
        let (_, report) = try HostPlatform.withKernel { _ in
            var made = 0
            let probe = try ProbeProxy.spawn(name: "probe") { made += 1; return AddingProbe() }
            #expect(try probe.add(1, 1) == 2)
            let first = probe.target
            #expect(throws: RpcError.domainCrashed) { try probe.trap(.indexOutOfRange) }
            #expect(throws: RpcError.domainUnavailable) { try probe.ping() }
            try Kernel.restart(probe.domain)
            #expect(made == 2)
            #expect(probe.target !== first)
            #expect(try probe.add(2, 2) == 4)
            #expect(Kernel.incarnation(of: probe.domain) == 2)
        }
        #expect(report == Self.clean)
    }

    @Test func aSpawnWhoseEntryTrapsIsRefused() throws {
        let (_, report) = try HostPlatform.withKernel { _ in
            let refusal = spawnRefusal { crash(); return AddingProbe() }
            guard case .domainNotLive(let domain, .crashed)? = refusal else {
                Issue.record("expected a crashed domain, got \(String(describing: refusal))")
                return
            }
            #expect(Kernel.state(of: domain) == .crashed)
        }
        #expect(report == Self.clean)
    }

    @Test func mailboxCrossesEveryWay() throws {
        let (_, report) = try HostPlatform.withKernel { _ in
            let mailbox = try MailboxProxy.spawn(name: "mail") { QueueMailbox() }
            let other = try MailboxProxy.spawn(name: "other") { QueueMailbox() }
            #expect(try mailbox.status() == MailboxStatus(queued: 0, delivered: 0, hasPeer: false))

            // A batch moves in, its requests stay with the mailbox.
            var batch = try RRefDeque<Request, 16>()
            for tag in 1...3 { #expect(pushed(&batch, try RRef(Request(tag: UInt32(tag), payload: tag * 10)))) }
            #expect(try mailbox.post(batch, urgent: false) == 3)
            #expect(try mailbox.status().queued == 3)
            #expect(Kernel.objectsOwned(by: .kernel) == 0)

            // One moves back out.
            let taken = try mailbox.take()
            #expect(try taken.read() == Request(tag: 1, payload: 10))
            #expect(Kernel.objectsOwned(by: .kernel) == 1)

            // A lent batch is read in place and stays the caller's.
            var probe = try RRefDeque<Request, 16>()
            #expect(pushed(&probe, try RRef(Request(tag: 7, payload: 70))))
            #expect(try mailbox.find(tag: 7, in: probe) == Request(tag: 7, payload: 1))
            #expect(try mailbox.find(tag: 8, in: probe) == nil)
            #expect(try probe.pop()?.read() == Request(tag: 7, payload: 70))

            // Two moves in, an array back.
            let pair = try mailbox.pair(try RRef(Request(tag: 1, payload: 1)), with: try RRef(Request(tag: 2, payload: 2)))
            #expect(try pair.read(at: 1) == Request(tag: 2, payload: 2))

            // A refused second move undoes the first: it does not stay behind with the callee.
            let held = try RRef(Request(tag: 9, payload: 9))
            let heldID = held.id
            var one = try RRefDeque<Request, 16>()
            #expect(pushed(&one, held))
            #expect(try mailbox.post(one, urgent: false) == 1)   // now held by the mailbox's queue
            let owned = Kernel.objectsOwned(by: mailbox.domain)
            #expect(throws: RpcError.ownershipViolation) {
                _ = try mailbox.pair(try RRef(Request(tag: 5, payload: 5)), with: RRef<Request>(_adopting: heldID))
            }
            #expect(Kernel.objectsOwned(by: mailbox.domain) == owned)

            // Interface references: proxies pass through, implementations are refused.
            try mailbox.connect(to: other)
            #expect(try mailbox.peer() === other)
            #expect(try mailbox.status().hasPeer)
            #expect(throws: RpcError.ownershipViolation) { try mailbox.connect(to: QueueMailbox()) }
            let adder = try ProbeProxy.spawn(name: "adder") { AddingProbe() }
            #expect(try mailbox.askProbe(adder, 20, 22) == 42)
            #expect(throws: RpcError.ownershipViolation) { _ = try mailbox.askProbe(AddingProbe(), 1, 2) }

            // A callee returning an implementation instead of a proxy is refused.
            let liar = try MailboxProxy.spawn(name: "liar") { QueueMailbox(liesAboutPeer: true) }
            #expect(throws: RpcError.ownershipViolation) { _ = try liar.peer() }
        }
        #expect(report == Self.clean)
    }
}

/// Why `ProbeProxy.spawn` refused, or nil if it did not.
func spawnRefusal(_ make: @escaping () -> any Probe) -> KernelError? {
    do throws(KernelError) {
        _ = try ProbeProxy.spawn(name: "doomed", make)
        return nil
    } catch {
        return error
    }
}

/// Pushes onto a deque; whether it was accepted.
func pushed<T, let N: Int>(_ deque: inout RRefDeque<T, N>, _ element: consuming RRef<T>) -> Bool {
    deque.push(element) == nil
}

@inline(never) func crash() {
    let empty: [Int] = []
    _ = empty[Int(Kernel.currentDomain.raw)]
}

/// A Probe that adds, keeps, makes and traps; enough to drive every generated method.
final class AddingProbe: Probe {
    func ping() throws(RpcError) {}
    func add(_ a: Int, _ b: Int) throws(RpcError) -> Int { a &+ b }
    func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int {
        guard let v = try? value.read() else { throw .invalidArgument }
        _ = value._relinquish()
        return v
    }
    func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        do { return try value.read() } catch { throw .invalidArgument }
    }
    func make(_ value: Int) throws(RpcError) -> RRef<Int> {
        do { return try RRef(value) } catch { throw .invalidArgument }
    }
    func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> {
        guard let v = try? value.read() else { throw .invalidArgument }
        return try make(v &+ 1)
    }
    func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> { values }
    func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int { try inspect(value) }
    func trap(_ kind: TrapKind) throws(RpcError) { crash() }
}

/// A Mailbox keeping its requests in a deque it owns.
final class QueueMailbox: Mailbox {
    var queue: RRefDeque<Request, 16>
    var delivered = 0
    var connected: (any Mailbox)? = nil
    let liesAboutPeer: Bool

    init(liesAboutPeer: Bool = false) {
        queue = try! RRefDeque()
        self.liesAboutPeer = liesAboutPeer
    }

    func status() throws(RpcError) -> MailboxStatus {
        MailboxStatus(queued: (try? queue.count()) ?? -1, delivered: delivered, hasPeer: connected != nil)
    }

    func post(_ batch: consuming RRefDeque<Request, 16>, urgent: Bool) throws(RpcError) -> Int {
        var posted = 0
        while let request = try? batch.pop() {
            guard queue.push(request) == nil else { throw .invalidArgument }
            posted += 1
        }
        return posted
    }

    func find(tag: UInt32, in batch: borrowing RRefDeque<Request, 16>) throws(RpcError) -> Request? {
        // A lent deque can be read but not popped: report how many requests it holds.
        guard let count = try? batch.count() else { throw .invalidArgument }
        return tag == 7 ? Request(tag: tag, payload: count) : nil
    }

    func pair(_ first: consuming RRef<Request>, with second: consuming RRef<Request>) throws(RpcError) -> RRefArray<Request, 2> {
        guard var array = try? RRefArray<Request, 2>() else { throw .invalidArgument }
        guard array.put(first, at: 0) == nil, array.put(second, at: 1) == nil else { throw .invalidArgument }
        return array
    }

    func take() throws(RpcError) -> RRef<Request> {
        guard let request = try? queue.pop() else { throw .invalidArgument }
        delivered += 1
        return request
    }

    func connect(to peer: any Mailbox) throws(RpcError) { connected = peer }

    func peer() throws(RpcError) -> any Mailbox {
        if liesAboutPeer { return self }
        guard let connected else { throw .invalidArgument }
        return connected
    }

    func askProbe(_ probe: any Probe, _ a: Int, _ b: Int) throws(RpcError) -> Int { try probe.add(a, b) }
}
