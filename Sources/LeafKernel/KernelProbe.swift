import CLeafKernel
@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies

/// A CPU exception a probe can be armed to commit on its next `ping` (the Probe interface's
/// `trap` covers Swift traps; these are the hardware faults only bare metal has).
enum CPUFault: UInt8 {
    case none
    case divideError        // #DE: a real `div` by zero
    case nonCanonical       // #GP: a load from a non-canonical address
    case unmapped           // #PF: a load from an unmapped canonical address
    case nullPage           // #PF: a load from page 0, unmapped as a guard
    case invalidOpcode      // #UD: a bare ud2
    case stackOverflow      // #PF: recursion into the stack's guard page (taken on its own stack)

    var expectedVector: UInt64 {
        switch self {
        case .none: 0
        case .divideError: 0
        case .nonCanonical: 13
        case .unmapped, .nullPage, .stackOverflow: 14
        case .invalidOpcode: 6
        }
    }
}

/// Values the optimizer cannot see through, so that deliberate traps happen at run time.
nonisolated(unsafe) var opaqueZero = 0
nonisolated(unsafe) var opaqueNil: Int? = nil

/// The self-test's domain: implements Probe the way the host tests' probes do, and faults on
/// request. One instance per domain incarnation, allocated in the domain's private heap.
final class KernelProbe: Probe {
    let domain: DomainID
    /// The object `keep` was given (dropped when the next one arrives or when the domain dies).
    var kept: RRef<Int>? = nil
    var armed: CPUFault = .none
    /// Private-heap churn, to show that a domain's allocations land in its own pages.
    var scratch: [Int] = []

    init(domain: DomainID) { self.domain = domain }

    /// When set, `ping` spins (preemptible) until the domain is torn down under it or 5 s pass.
    var spinInPing = false

    /// When set, `ping` spins with interrupts on but not preemptible (a domain that never
    /// returns), for at most 5 s so that a broken call budget fails the self-test, not hangs it.
    var runawayInPing = false
    /// When set, the last hop of a relay spins (preemptible) until `ProbeDomains.spinnerReleased`.
    var spinInRelay = false

    func ping() throws(RpcError) {
        if armed != .none { commit(armed) }
        if runawayInPing {
            let deadline = Clock.deadline(afterMilliseconds: 5000)
            while leaf_rdtsc() < deadline { leaf_pause() }
        }
        if spinInPing {
            ProbeDomains.spinnerInside = true
            let deadline = Clock.deadline(afterMilliseconds: 5000)
            Threads.withPreemption { while leaf_rdtsc() < deadline { leaf_pause() } }
        }
    }

    func commit(_ fault: CPUFault) {
        switch fault {
        case .none: break
        case .divideError: leaf_fault_divide_error()
        case .nonCanonical: leaf_fault_non_canonical()
        case .unmapped: leaf_fault_unmapped()
        case .nullPage: leaf_fault_null()
        case .invalidOpcode: leaf_fault_invalid_opcode()
        case .stackOverflow: leaf_fault_stack_overflow()
        }
    }

    func add(_ a: Int, _ b: Int) throws(RpcError) -> Int { a &+ b }

    func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int {
        let v: Int
        do { v = try value.read() } catch { throw .invalidArgument }
        kept = consume value
        return v
    }

    func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        do { return try value.read() } catch { throw .invalidArgument }
    }

    func make(_ value: Int) throws(RpcError) -> RRef<Int> {
        do { return try RRef(value) } catch { throw .invalidArgument }
    }

    func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> {
        let v: Int
        do { v = try value.read() } catch { throw .invalidArgument }
        kept = consume value
        do { return try RRef(v + 1) } catch { throw .invalidArgument }
    }

    func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> {
        var deque = values
        do throws(AccessError) {
            let n = try deque.count()
            for _ in 0..<n {
                guard var element = try deque.pop() else { break }
                try element.update { $0 += 1 }
                if let refused = deque.push(element) { _ = refused; throw AccessError.full(deque.id) }
            }
        } catch { throw .invalidArgument }
        return deque
    }

    func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        if Int(route.trapAt) == hop { try trap(route.trap) }
        if hop + 1 < Int(route.count) {
            guard let next = ProbeDomains.proxy(DomainID(route.hops[hop + 1])) else { throw .domainUnavailable }
            do throws(RpcError) { return try next.relay(route, hop + 1, value) + 1 } catch {
                // Told of the failure of the call it made (a crash below it): the self-test counts.
                ProbeDomains.relayFailuresSeen += 1
                ProbeDomains.lastToSeeARelayFail = domain
                throw error
            }
        }
        if spinInRelay {
            // The last hop holds the thread here (preemptible) until the self-test lets it go.
            ProbeDomains.spinnerInside = true
            let deadline = Clock.deadline(afterMilliseconds: 5000)
            Threads.withPreemption { while !ProbeDomains.spinnerReleased && leaf_rdtsc() < deadline { leaf_pause() } }
            ProbeDomains.spinnerReturned = true
        }
        do { return try value.read() } catch { throw .invalidArgument }
    }

    func trap(_ kind: TrapKind) throws(RpcError) {
        switch kind {
        case .indexOutOfRange:
            scratch = [1, 2, 3]
            scratch[scratch.count + opaqueZero] = 4
        case .nilUnwrap:
            scratch.append(opaqueNil!)
        case .overflow:
            scratch.append(Int.max + (1 + opaqueZero))
        case .divisionByZero:
            scratch.append(1 / opaqueZero)
        case .fatalError:
            fatalError("probe domain asked to trap")
        case .stackOverflow:
            leaf_fault_stack_overflow()
        case .simultaneousAccess:
            // No trap on bare metal (Embedded Swift 6.3 compiles in no dynamic exclusivity
            // checks): two overlapping writes of an Int.
            func bump(_ value: inout Int, during: () -> Void) { during(); value += 1 }
            bump(&scratch[0]) { self.scratch[0] += 1 + opaqueZero }
        }
    }
}

/// The probe domains of the self-test: their implementations (owned by each domain's exports,
/// referenced here without a count) and the proxies the kernel and other domains call them by.
enum ProbeDomains {
    /// Uncounted: a domain's exports own its probe, and a teardown frees it with the heap.
    nonisolated(unsafe) static var probes: [Unmanaged<KernelProbe>?] = []
    nonisolated(unsafe) static var proxies: [ProbeProxy?] = []
    /// Set by a probe spinning in `ping` (the cross-thread crash test).
    nonisolated(unsafe) static var spinnerInside = false
    nonisolated(unsafe) static var spinnerReleased = false
    /// Relays whose onward call failed, and the last probe told so (plain values: a domain's
    /// code must not grow kernel arrays, which would allocate in its own heap).
    nonisolated(unsafe) static var relayFailuresSeen = 0
    nonisolated(unsafe) static var lastToSeeARelayFail: DomainID = .kernel
    nonisolated(unsafe) static var spinnerReturned = false

    static func proxy(_ d: DomainID) -> ProbeProxy? {
        Int(d.raw) < proxies.count ? proxies[Int(d.raw)] : nil
    }

    /// The probe of the domain's current incarnation (registered by its entry).
    static func probe(_ d: DomainID) -> KernelProbe? {
        guard Int(d.raw) < probes.count, Kernel.state(of: d) == .live else { return nil }
        return probes[Int(d.raw)]?.takeUnretainedValue()
    }

    /// Each domain's entry: run once at creation and again at every restart.
    nonisolated(unsafe) static var entries: [(() -> Void)?] = []

    /// Creates a domain whose entry builds a KernelProbe inside it (in its private heap) and
    /// exports it; the kernel makes the proxy.
    static func create(_ name: String) throws(KernelError) -> DomainID {
        let d = try Kernel.createDomain(name: name)
        let entry = {
            let p = KernelProbe(domain: d)
            p.scratch = [Int](repeating: 0, count: 64)
            Kernel.export(p, from: d)
            registered = Unmanaged.passUnretained(p)
        }
        while entries.count <= Int(d.raw) { entries.append(nil) }
        entries[Int(d.raw)] = entry
        do throws(RpcError) { try Kernel.run(in: d, entry) } catch { throw .domainNotLive(d, Kernel.state(of: d)) }
        adoptRegistered(d)
        return d
    }

    /// Restarts a crashed domain (its entry runs again) and points its proxy at the new probe.
    static func restart(_ d: DomainID) throws(KernelError) {
        try Kernel.restart(d)
        if let entry = entries[Int(d.raw)] {
            do throws(RpcError) { try Kernel.run(in: d, entry) } catch { throw .domainNotLive(d, Kernel.state(of: d)) }
        }
        adoptRegistered(d)
    }

    /// The entry cannot touch kernel tables (they live in the kernel's heap: growing them from
    /// the domain would allocate in the domain's). It leaves its probe here; the kernel adopts it.
    nonisolated(unsafe) static var registered: Unmanaged<KernelProbe>? = nil

    static func adoptRegistered(_ d: DomainID) {
        guard let r = registered else { return }
        registered = nil
        while proxies.count <= Int(d.raw) { proxies.append(nil); probes.append(nil) }
        probes[Int(d.raw)] = r
        proxies[Int(d.raw)] = ProbeProxy(domain: d, target: r.takeUnretainedValue())
    }
}
