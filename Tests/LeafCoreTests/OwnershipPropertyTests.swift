import Glibc
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import PropertyBased
import Testing

/// Random sequences of operations over several domains and threads, checked after every step
/// against the kernel's invariants and against a model of who owns what.
let sequencesPerProperty = 5_000

@Suite struct OwnershipPropertyTests {
    @Test(.shrinking(true)) func randomSequencesKeepOwnershipExact() async {
        await checkSequences("ownership", lengths: 50...120, bias: .uniform)
    }

    /// Biased towards deep relays with traps injected at random hops.
    @Test(.shrinking(true)) func nestedCallsWithTrapsKeepOwnershipExact() async {
        await checkSequences("nested-call", lengths: 50...100, bias: .nested)
    }

    func checkSequences(_ name: String, lengths: ClosedRange<Int>, bias: Op.Bias) async {
        print("\(name) property: \(sequencesPerProperty) sequences of \(lengths) steps (seed printed on failure)")
        let trapsBefore = HostPlatform.trapsCaught
        await propertyCheck(count: sequencesPerProperty, input: Gen.uint32().array(of: lengths)) { raw in
            let ops = raw.map { Op($0, bias: bias) }
            let failures = Harness.run(ops)
            if !failures.isEmpty {
                Issue.record("""
                    \(failures.joined(separator: "\n"))
                    sequence (\(ops.count) steps):
                    \(ops.enumerated().map { "  \($0): \($1)" }.joined(separator: "\n"))
                    """)
            }
        }
        // Not vacuous: the sequences really crossed into domains and really crashed some.
        let traps = HostPlatform.trapsCaught - trapsBefore
        print("\(name) property: \(traps) traps caught and unwound")
        #expect(traps > UInt64(sequencesPerProperty))
    }
}

/// One step of a sequence, decoded from a random number so that shrinking the numbers shrinks
/// the steps.
enum Op: CustomStringConvertible {
    case createDomain
    case alloc(value: Int)
    case keep(handle: Int, domain: Int)
    case inspect(handle: Int, domain: Int)
    case make(domain: Int, value: Int)
    case exchange(handle: Int, domain: Int)
    case relay(handle: Int, hops: [Int], trapAt: Int?, kind: TrapKind)
    case trap(domain: Int, kind: TrapKind)
    case tearDown(domain: Int)
    case restart(domain: Int)
    case drop(handle: Int)
    case push(handle: Int, deque: Int)
    case pop(deque: Int)
    case batch(deque: Int, domain: Int)
    case privateAlloc(domain: Int, size: Int)
    case spawnThread
    case yield
    case block
    case wake(thread: Int)
    case exitThread(thread: Int)

    enum Bias { case uniform, nested }

    init(_ n: UInt32, bias: Bias = .uniform) {
        let kinds: UInt32 = 20
        var kind = n % kinds
        let p = Int(n / kinds)
        if bias == .nested && kind >= 13 { kind = 6 }   // batches and thread steps become relays
        let a = p % 8, b = (p / 8) % 8, c = (p / 64) % 8
        let trapKind = TrapKind.allCases[(p / 512) % TrapKind.allCases.count]
        switch kind {
        case 0: self = .createDomain
        case 1: self = .alloc(value: p % 1000)
        case 2: self = .keep(handle: a, domain: b)
        case 3: self = .inspect(handle: a, domain: b)
        case 4: self = .make(domain: a, value: p % 1000)
        case 5: self = .exchange(handle: a, domain: b)
        case 6:
            let hops = (0..<(1 + b % 5)).map { (p / (8 << $0)) % 6 }
            self = .relay(handle: a, hops: hops, trapAt: c < 3 ? nil : c % (hops.count + 1), kind: trapKind)
        case 7: self = .trap(domain: a, kind: trapKind)
        case 8: self = .tearDown(domain: a)
        case 9: self = .restart(domain: a)
        case 10: self = .drop(handle: a)
        case 11: self = .push(handle: a, deque: b % 2)
        case 12: self = .pop(deque: a % 2)
        case 13: self = .batch(deque: a % 2, domain: b)
        case 14: self = .privateAlloc(domain: a, size: 1 << (4 + b))
        case 15: self = .spawnThread
        case 16: self = .yield
        case 17: self = .block
        case 18: self = .wake(thread: a)
        default: self = .exitThread(thread: a)
        }
    }

    var description: String {
        switch self {
        case .createDomain: "createDomain"
        case .alloc(let v): "alloc(\(v))"
        case .keep(let h, let d): "keep(handle \(h) → domain #\(d))"
        case .inspect(let h, let d): "inspect(handle \(h) lent to domain #\(d))"
        case .make(let d, let v): "make(\(v) in domain #\(d))"
        case .exchange(let h, let d): "exchange(handle \(h) with domain #\(d))"
        case .relay(let h, let hops, let t, let k): "relay(handle \(h) via \(hops), trap at \(t.map(String.init) ?? "none") \(k))"
        case .trap(let d, let k): "trap(domain #\(d), \(k))"
        case .tearDown(let d): "tearDown(domain #\(d))"
        case .restart(let d): "restart(domain #\(d))"
        case .drop(let h): "drop(handle \(h))"
        case .push(let h, let q): "push(handle \(h) → deque \(q))"
        case .pop(let q): "pop(deque \(q))"
        case .batch(let q, let d): "batch(deque \(q) through domain #\(d))"
        case .privateAlloc(let d, let s): "privateAlloc(\(s) bytes in domain #\(d))"
        case .spawnThread: "spawnThread"
        case .yield: "yield"
        case .block: "block"
        case .wake(let t): "wake(thread #\(t))"
        case .exitThread(let t): "exit(thread #\(t))"
        }
    }
}

/// Runs one sequence against a fresh kernel and a model; returns what went wrong.
enum Harness {
    /// What the model expects of the world.
    struct Model {
        var domains: [DomainID] = []
        var state: [DomainID: DomainState] = [:]
        var kept: [DomainID: Int] = [:]             // objects a domain owns (moved to it and kept)
        var handles: [(id: ObjectID, value: Int)] = []
        var deques: [[Int]] = [[], []]               // values, front first
        var threads: Set<UInt16> = [0]               // not exited

        func domain(_ i: Int) -> DomainID? { domains.isEmpty ? nil : domains[i % domains.count] }
        func isLive(_ d: DomainID) -> Bool { state[d] == .live }
        mutating func crash(_ d: DomainID) { state[d] = .crashed; kept[d] = 0 }
    }

    static let configuration = KernelConfiguration(objectCapacity: 160, domainCapacity: 7, threadCapacity: 4, frameDepth: 12)

    static func run(_ ops: [Op]) -> [String] {
        var failures: [String] = []
        let result = HostPlatform.withKernel(configuration) { _ in
                // Inside the kernel lock, so that concurrent sequences never interleave this.
                let saved = silenceStandardError()
                defer { restoreStandardError(saved) }
                var world = World()
                for (step, op) in ops.enumerated() {
                    for problem in world.apply(op) { failures.append("step \(step) \(op): \(problem)") }
                    for problem in world.compare() + kernelViolations() { failures.append("after step \(step) \(op): \(problem)") }
                    if !failures.isEmpty { break }
                }
                ProbeHooks.atInnermostHop = nil
            }
        if result.1 != .init(pagesLeft: 0, objectsLeft: 0, hostPagesLeaked: 0) {
            failures.append("after shutdown: \(result.1)")
        }
        return failures
    }

    /// The implementation side: proxies and test-held references, plus the model.
    struct World {
        var model = Model()
        let probes = ProbeDirectory()
        /// The test's references, kept as IDs and re-wrapped for each use (`_adopting` /
        /// `_relinquish`), because noncopyable values cannot live in arrays.
        var handles: [ObjectID] = []
        var deques: [ObjectID] = []

        init() {
            deques = (0..<2).map { _ in try! RRefDeque<Int, 32>()._relinquish() }
        }

        func ref(_ i: Int) -> RRef<Int> { RRef(_adopting: handles[i]) }

        func expectCall<R>(_ live: Bool, _ body: () throws(RpcError) -> R) -> (R?, [String]) {
            do {
                let r = try body()
                return live ? (r, []) : (r, ["call into a non-live domain succeeded"])
            } catch {
                if live { return (nil, ["call failed: \(error)"]) }
                return error == .domainUnavailable ? (nil, []) : (nil, ["call into a non-live domain: \(error), not domainUnavailable"])
            }
        }

        mutating func apply(_ op: Op) -> [String] {
            switch op {
            case .createDomain:
                guard model.domains.count < Harness.configuration.domainCapacity - 1 else { return [] }
                guard let p = try? probes.spawn() else { return ["createDomain failed"] }
                model.domains.append(p.domain)
                model.state[p.domain] = .live
                model.kept[p.domain] = 0
            case .alloc(let v):
                guard handles.count < 12, let r = try? RRef(v) else { return [] }
                model.handles.append((r.id, v))
                handles.append(r._relinquish())
            case .keep(let h, let di):
                guard !handles.isEmpty, let d = model.domain(di) else { return [] }
                let i = h % handles.count
                let r = RRef<Int>(_adopting: handles.remove(at: i))
                let expected = model.handles.remove(at: i)
                do {
                    let v = try probes.proxies[d]!.keep(r)
                    if !model.isLive(d) { return ["keep into a non-live domain succeeded"] }
                    model.kept[d, default: 0] += 1
                    if v != expected.value { return ["keep returned \(v), not \(expected.value)"] }
                } catch {
                    if model.isLive(d) || error != .domainUnavailable { return ["keep: \(error)"] }
                }
            case .inspect(let h, let di):
                guard !handles.isEmpty, let d = model.domain(di) else { return [] }
                let i = h % handles.count
                let lent = ref(i)
                let (v, problems) = expectCall(model.isLive(d)) { () throws(RpcError) in
                    try probes.proxies[d]!.inspect(lent)
                }
                _ = lent._relinquish()
                if model.isLive(d) && v != model.handles[i].value { return problems + ["inspect read \(String(describing: v))"] }
                return problems
            case .make(let di, let value):
                guard let d = model.domain(di), handles.count < 12 else { return [] }
                do {
                    let r = try probes.proxies[d]!.make(value)
                    if !model.isLive(d) { return ["make in a non-live domain succeeded"] }
                    model.handles.append((r.id, value))
                    handles.append(r._relinquish())
                } catch {
                    if model.isLive(d) || error != .domainUnavailable { return ["make: \(error)"] }
                }
            case .exchange(let h, let di):
                guard !handles.isEmpty, let d = model.domain(di) else { return [] }
                let i = h % handles.count
                do {
                    let back = try probes.proxies[d]!.exchange(ref(i))
                    if !model.isLive(d) { return ["exchange with a non-live domain succeeded"] }
                    model.handles[i] = (back.id, model.handles[i].value + 1)
                    handles[i] = back._relinquish()
                } catch {
                    handles.remove(at: i)
                    model.handles.remove(at: i)
                    if model.isLive(d) || error != .domainUnavailable { return ["exchange: \(error)"] }
                }
            case .relay(let h, let hopIndexes, let trapAt, let kind):
                guard !handles.isEmpty, !model.domains.isEmpty else { return [] }
                let i = h % handles.count
                let route = hopIndexes.map { model.domain($0)! }
                // The model's prediction: the first non-live hop refuses; a trap before it crashes
                // that hop's domain, and the crash surfaces at the outermost call into it.
                var reach = route.count
                for (k, d) in route.enumerated() where !model.isLive(d) { reach = k; break }
                let trapHop = trapAt.flatMap { $0 < reach ? $0 : nil }
                let first = route[0]
                // Mid-call, borrow counts must equal the frames lending each object.
                var midCall: [String] = []
                ProbeHooks.atInnermostHop = { midCall = kernelViolations(insideCall: true) }
                defer { ProbeHooks.atInnermostHop = nil }
                let remaining = Route(Array(route.dropFirst()), trapAt: trapHop.map { $0 }, trap: kind)
                // Hop k (k ≥ 1) is route[k]; it traps when remaining.trapAt == k.
                let lent = ref(i)
                let outcome: Result<Int, RpcError>
                do throws(RpcError) { outcome = .success(try probes.proxies[first]!.relay(remaining, 0, lent)) }
                catch { outcome = .failure(error) }
                _ = lent._relinquish()
                var problems = midCall.map { "inside the innermost call: \($0)" }
                switch outcome {
                case .success(let v):
                    if reach < route.count || trapHop != nil { problems.append("relay answered \(v) despite a dead hop or a trap") }
                    else if v != model.handles[i].value { problems.append("relay read \(v)") }
                case .failure(let error):
                    if reach == 0 {
                        if error != .domainUnavailable { problems.append("relay into a dead first hop: \(error)") }
                    } else if let t = trapHop {
                        // The outermost call into the trapping domain gets domainCrashed, and every
                        // hop before it passes that error on.
                        model.crash(route[t])
                        if error != .domainCrashed { problems.append("relay: \(error), expected domainCrashed") }
                    } else if reach < route.count {
                        if error != .domainUnavailable { problems.append("relay to a dead hop: \(error)") }
                    } else {
                        problems.append("relay failed: \(error)")
                    }
                }
                return problems
            case .trap(let di, let kind):
                guard let d = model.domain(di) else { return [] }
                do {
                    try probes.proxies[d]!.trap(kind)
                    return ["trap returned normally"]
                } catch {
                    if model.isLive(d) {
                        model.crash(d)
                        if error != .domainCrashed { return ["trap: \(error)"] }
                    } else if error != .domainUnavailable { return ["trap in a dead domain: \(error)"] }
                }
            case .tearDown(let di):
                guard let d = model.domain(di) else { return [] }
                do {
                    try Kernel.tearDown(d)
                    if !model.isLive(d) { return ["teardown of a non-live domain succeeded"] }
                    model.state[d] = .stopped
                    model.kept[d] = 0
                } catch {
                    if model.isLive(d) { return ["teardown: \(error)"] }
                    if error != .domainNotLive(d, model.state[d]!) { return ["double teardown: \(error)"] }
                }
            case .restart(let di):
                guard let d = model.domain(di) else { return [] }
                do {
                    try Kernel.restart(d)
                    if model.isLive(d) { return ["restart of a live domain succeeded"] }
                    model.state[d] = .live
                } catch {
                    if !model.isLive(d) || error != .domainAlreadyLive(d) { return ["restart: \(error)"] }
                }
            case .drop(let h):
                guard !handles.isEmpty else { return [] }
                let i = h % handles.count
                _ = RRef<Int>(_adopting: handles.remove(at: i))   // dropped here
                model.handles.remove(at: i)
            case .push(let h, let q):
                guard !handles.isEmpty else { return [] }
                let i = h % handles.count
                let r = RRef<Int>(_adopting: handles.remove(at: i))
                let (_, value) = model.handles.remove(at: i)
                var deque = RRefDeque<Int, 32>(_adopting: deques[q])
                let refused = deque.push(r)
                _ = deque._relinquish()
                if let back = refused {
                    guard model.deques[q].count == 32 else { return ["push refused below capacity"] }
                    model.handles.insert((back.id, value), at: i)
                    handles.insert(back._relinquish(), at: i)
                } else {
                    if model.deques[q].count == 32 { return ["push accepted beyond capacity"] }
                    model.deques[q].append(value)
                }
            case .pop(let q):
                guard handles.count < 12 else { return [] }
                var deque = RRefDeque<Int, 32>(_adopting: deques[q])
                let popped: RRef<Int>?
                do throws(AccessError) { popped = try deque.pop() } catch { _ = deque._relinquish(); return ["pop: \(error)"] }
                _ = deque._relinquish()
                guard let r = popped else {
                    return model.deques[q].isEmpty ? [] : ["pop found nothing"]
                }
                let value = model.deques[q].removeFirst()
                if (try? r.read()) != value { return ["popped the wrong element"] }
                model.handles.append((r.id, value))
                handles.append(r._relinquish())
            case .batch(let q, let di):
                guard let d = model.domain(di) else { return [] }
                do {
                    deques[q] = try probes.proxies[d]!.batch(RRefDeque(_adopting: deques[q]))._relinquish()
                    if !model.isLive(d) { return ["batch through a non-live domain succeeded"] }
                    model.deques[q] = model.deques[q].map { $0 + 1 }
                } catch {
                    // The batch was dropped with the refused call; start a fresh one.
                    deques[q] = try! RRefDeque<Int, 32>()._relinquish()
                    model.deques[q] = []
                    if model.isLive(d) || error != .domainUnavailable { return ["batch: \(error)"] }
                }
            case .privateAlloc(let di, let size):
                guard let d = model.domain(di) else { return [] }
                let pagesBefore = Kernel.pages(of: d)
                do {
                    try Kernel.run(in: d) { _ = Kernel.allocatePrivate(size: size, alignment: 16) }
                    if !model.isLive(d) { return ["private allocation in a non-live domain succeeded"] }
                    if Kernel.pages(of: d) < pagesBefore { return ["private heap shrank on allocation"] }
                } catch {
                    if model.isLive(d) || error != .domainUnavailable { return ["privateAlloc: \(error)"] }
                }
            case .spawnThread:
                do {
                    let t = try Kernel.spawnThread(home: .kernel)
                    model.threads.insert(t.raw)
                } catch {
                    if model.threads.count < Harness.configuration.threadCapacity { return ["spawn: \(error)"] }
                }
            case .yield:
                Kernel.yield()
            case .block:
                _ = try? Kernel.block()
            case .wake(let t):
                try? Kernel.wake(ThreadID(UInt16(t % Harness.configuration.threadCapacity)))
            case .exitThread(let t):
                let thread = ThreadID(UInt16(t % Harness.configuration.threadCapacity))
                if (try? Kernel.exit(thread)) != nil { model.threads.remove(thread.raw) }
            }
            return []
        }

        /// The model against the implementation.
        func compare() -> [String] {
            var problems: [String] = []
            for d in model.domains {
                if Kernel.state(of: d) != model.state[d] { problems.append("\(d) is \(Kernel.state(of: d)), model says \(model.state[d]!)") }
                if Kernel.objectsOwned(by: d) != model.kept[d] { problems.append("\(d) owns \(Kernel.objectsOwned(by: d)), model says \(model.kept[d]!)") }
            }
            for i in handles.indices {
                if handles[i] != model.handles[i].id { problems.append("handle \(i) is \(handles[i]), model says \(model.handles[i].id)") }
                let r = ref(i)
                let read = try? r.read()
                _ = r._relinquish()
                if read != model.handles[i].value { problems.append("handle \(i) reads \(String(describing: read))") }
            }
            for q in 0..<2 {
                let deque = RRefDeque<Int, 32>(_adopting: deques[q])
                let count = try? deque.count()
                _ = deque._relinquish()
                if count != model.deques[q].count { problems.append("deque \(q) count differs from the model's \(model.deques[q].count)") }
            }
            let expected = handles.count + 2 + model.deques.reduce(0) { $0 + $1.count } + model.kept.values.reduce(0, +)
            if Kernel.liveObjects != expected { problems.append("\(Kernel.liveObjects) live objects, model says \(expected)") }
            if Kernel.objectsOwned(by: .kernel) != handles.count + 2 {
                problems.append("kernel owns \(Kernel.objectsOwned(by: .kernel)), model says \(handles.count + 2)")
            }
            return problems
        }
    }

    /// Traps print Swift's fatal-error message; thousands of deliberate ones would bury the log.
    static func silenceStandardError() -> Int32 {
        fflush(nil)
        let saved = dup(2)
        let null = open("/dev/null", O_WRONLY)
        dup2(null, 2)
        close(null)
        return saved
    }

    static func restoreStandardError(_ saved: Int32) {
        fflush(nil)
        dup2(saved, 2)
        close(saved)
    }
}
