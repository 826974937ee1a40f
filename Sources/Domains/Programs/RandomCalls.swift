import LeafInterfaces
import LeafSDK

/// usertests' randomcalls: 300 system calls with random arguments (descriptors open, closed and
/// absurd; paths long, empty, with NUL and bytes past ASCII, or whose length lies; flags,
/// counts, pids, ticks, table indices and fault kinds out of range), from a child that has no
/// descriptors, in a scratch directory. Every call must come back with a result or an error
/// code, each within what that call can answer; Rv6 must not crash; and afterwards the file
/// system must still work and everything the calls made must come off it. The seed comes from
/// the clock and is printed; `usertests --seed N randomcalls` replays it.
extension UserTests {
    static var randomCallCount: Int { 300 }
    /// Where the child leaves a description of the call that broke a rule (it has no console).
    static var randomCallsReport: String { "/rcfailure" }

    func randomCalls() {
        let seed = self.seed ?? (UInt32(truncatingIfNeeded: system.uptime() &* 2_654_435_761) | 1)
        print("seed \(seed) ")
        _ = system.unlink(UserTests.randomCallsReport)
        expect(system.mkdir("rc") == .none, "mkdir rc")
        _ = spawnChild("randomcalls", ["\(seed)"], descriptors: [])
        for r in waitAll(1) where r.crashed || r.status != 0 {
            let report = r.crashed ? "it crashed" : (contents(UserTests.randomCallsReport).map { String(decoding: $0, as: UTF8.self) } ?? "status \(r.status)")
            expect(false, "randomcalls (seed \(seed)): \(report)")
        }
        _ = system.unlink(UserTests.randomCallsReport)
        expect(removeTree("rc"), "remove what the calls made under rc")
        create("rcafter", bytes("still works"))
        expect(contents("rcafter") == bytes("still works"), "a file made after the calls")
        expect(system.unlink("rcafter") == .none, "unlink rcafter")
    }

    /// Removes `name` (in the current directory) and, if it is a directory, everything under
    /// it, going down by chdir so that no path grows with the depth; whether all went. Unlinked
    /// first: a device node whose driver is not there cannot be opened, only removed.
    func removeTree(_ name: String) -> Bool {
        let e = system.unlink(name)
        guard e == .notEmpty else { return e == .none }
        guard system.chdir(name) == .none else { return false }
        let f = system.open(".", .readOnly)
        let entries = f.error == .none ? system.directoryEntries(f.value) : nil
        if f.error == .none { system.close(f.value) }
        var removed = entries != nil
        for (_, entry) in entries ?? [] where entry != "." && entry != ".." { removed = removeTree(entry) && removed }
        guard system.chdir("..") == .none else { return false }
        return system.unlink(name) == .none && removed
    }

    /// The child: the calls, in rc. Its status is 0, or the number of the call (from 1) that
    /// broke a rule, described in `randomCallsReport`.
    func randomCallsChild(seed: UInt32) -> Int32 {
        guard system.chdir("rc") == .none else { return 1 }
        var calls = RandomCalls(system: system, seed: seed)
        for n in 1...UserTests.randomCallCount {
            if let broken = calls.makeOne() {
                let f = system.open(UserTests.randomCallsReport, .create | .writeOnly | .truncate)
                if f.error == .none { system.write(f.value, Array("call \(n): \(broken)".utf8)) }
                return Int32(n)
            }
        }
        while system.wait().error == .none {}
        return 0
    }
}

/// One process's random system calls and the rules their answers keep.
struct RandomCalls {
    let system: System
    var random: SplitMix
    let pid: Int32
    /// Descriptors calls have returned (and may since have closed): the likeliest to be valid.
    var returned: [Int32] = []
    /// Children spawned and not yet waited for.
    var children = 0

    init(system: System, seed: UInt32) {
        self.system = system
        random = SplitMix(seed: UInt64(seed))
        pid = system.getpid()
    }

    static var descriptorLimit: Int32 { 16 }
    static var names: [String] {
        ["a", "b", "c", "d", ".", "f0", String(repeating: "x", count: 14), String(repeating: "y", count: 15), "é", "n\u{0}ul", ""]
    }

    mutating func descriptor() -> Int32 {
        if !returned.isEmpty && random.below(2) == 0 { return random.pick(returned) }
        return random.pick([-1, -100, 0, 1, 2, 3, 4, 5, 6, 15, 16, 17, 1000, Int32.max, Int32.min])
    }

    /// Never "..", never from the root (no empty first component): the calls stay under rc.
    mutating func path() -> String {
        switch random.below(20) {
        case 0: return ""
        case 1: return String(repeating: "p", count: 120 + random.below(80))
        default:
            var parts: [String] = []
            repeat { parts = [random.pick(RandomCalls.names)] } while parts[0].isEmpty
            for _ in 0..<random.below(3) { parts.append(random.pick(RandomCalls.names)) }
            return parts.joined(separator: "/") + (random.below(10) == 0 ? "/" : "")
        }
    }

    /// A path name as it crosses: mostly honest, sometimes with a length that lies.
    mutating func pathName() -> PathName {
        var name = PathName(path())
        if random.below(8) == 0 { name.length = random.pick([0, 127, 128, 129, 4096, UInt32.max]) }
        return name
    }

    mutating func count() -> UInt32 {
        random.below(2) == 0 ? UInt32(random.below(FileData.capacity + 1)) : random.pick([0, 1, 4096, 4097, UInt32.max])
    }

    /// A descriptor a call returned: in the table, or -1 with an error.
    mutating func checkNew(_ r: SystemResult, _ call: String) -> String? {
        if r.error == .none {
            guard r.value >= 0 && r.value < RandomCalls.descriptorLimit else { return "\(call) returned descriptor \(r.value)" }
            returned.append(r.value)
        } else if r.value != -1 {
            return "\(call) failed (\(r.error)) with value \(r.value)"
        }
        return nil
    }

    func outside(_ fd: Int32) -> Bool { fd < 0 || fd >= RandomCalls.descriptorLimit }

    /// One random call; a description of the rule its answer broke, or nil. (An argument the
    /// quota leaves no room for is no broken rule: the call is skipped.)
    mutating func makeOne() -> String? {
        let kernel = system.kernel
        do throws(RpcError) {
            switch random.below(20) {
            case 0:
                let flags = OpenFlags(raw: random.pick([0, 1, 2, 3, 0x201, 0x202, 0x601, 0x801, 0x400, 0xffff_ffff, UInt32(random.below(0x1000))]))
                guard let name = try? RRef(pathName()) else { return nil }
                return checkNew(try kernel.open(name, flags: flags), "open")
            case 1:
                let fd = descriptor()
                let e = try kernel.close(fd)
                return outside(fd) && e != .badDescriptor ? "close(\(fd)) answered \(e)" : nil
            case 2:
                let fd = descriptor()
                let r = try kernel.dup(fd)
                if outside(fd) && r.error != .badDescriptor { return "dup(\(fd)) answered \(r.error)" }
                return checkNew(r, "dup(\(fd))")
            case 3, 4:
                let fd = descriptor(), wanted = count(), write = random.below(2) == 0
                let (done, e) = system.move { b throws(RpcError) in
                    var b = b
                    try? b.write(wanted, to: FileData.lengthField)
                    return write ? try kernel.write(fd, from: b) : try kernel.read(fd, into: b)
                }
                let call = "\(write ? "write" : "read")(\(fd), \(wanted))"
                if outside(fd) && e != .badDescriptor { return "\(call) answered \(e)" }
                if e == .none && done > min(Int(wanted), FileData.capacity) { return "\(call) moved \(done) bytes" }
                return nil
            case 5:
                let fd = descriptor()
                let s = try kernel.fstat(fd)
                return outside(fd) && s.error != .badDescriptor ? "fstat(\(fd)) answered \(s.error)" : nil
            case 6:
                let p = try kernel.pipe()
                guard p.error == .none else { return nil }
                guard !outside(p.readEnd) && !outside(p.writeEnd) && p.readEnd != p.writeEnd else {
                    return "pipe returned \(p.readEnd) and \(p.writeEnd)"
                }
                // One end goes at once: a read can then never wait for a writer, nor a write
                // for a reader, in a process that would be both.
                let (kept, gone) = random.below(2) == 0 ? (p.readEnd, p.writeEnd) : (p.writeEnd, p.readEnd)
                _ = try kernel.close(gone)
                returned.append(kept)
                return nil
            case 7:
                guard let a = try? RRef(pathName()), let b = try? RRef(pathName()) else { return nil }
                _ = try kernel.link(a, to: b)
                return nil
            case 8:
                guard let name = try? RRef(pathName()) else { return nil }
                _ = try kernel.unlink(name)
                return nil
            case 9:
                guard let name = try? RRef(pathName()) else { return nil }
                _ = try kernel.mkdir(name)
                return nil
            case 10:
                // Never the console's major (1): a read of it would wait for typing.
                let major: Int16 = random.pick([-1, 0, 2, 3, 9, Int16.max, Int16.min])
                guard let name = try? RRef(pathName()) else { return nil }
                _ = try kernel.mknod(name, major: major, minor: random.pick([0, 1, -1, Int16.max]))
                return nil
            case 11:
                guard let name = try? RRef(pathName()) else { return nil }
                _ = try kernel.chdir(name)
                return nil
            case 12:
                guard children < 3 else { return waitOne() }
                let program = random.pick(["echo", "echo", "nosuchprogram", "", String(repeating: "e", count: 40)])
                var words = [program]
                for _ in 0..<random.below(20) { words.append(random.pick(RandomCalls.names)) }
                var descriptors: [Int32] = []
                for _ in 0..<random.below(10) { descriptors.append(descriptor()) }
                let r = system.spawn(words, descriptors: descriptors)
                if r.error == .none {
                    guard r.value > 0 && r.value != pid else { return "spawn returned pid \(r.value)" }
                    children += 1
                }
                if words.count > 16 && r.error != .argumentsTooLong { return "spawn of \(words.count) words answered \(r.error)" }
                return nil
            case 13:
                return waitOne()
            case 14:
                let target: Int32 = random.pick([-1, 0, 1, 99_999, Int32.max, Int32.min])
                let e = try kernel.kill(target)
                if target == 1 && e != .notPermitted { return "kill(1) answered \(e)" }
                if target != 1 && e != .noSuchProcess { return "kill(\(target)) answered \(e)" }
                return nil
            case 15:
                let ticks: Int32 = random.pick([-1, 0, 1, Int32.min])
                let e = try kernel.sleep(ticks)
                return (ticks < 0) != (e == .invalidArgument) ? "sleep(\(ticks)) answered \(e)" : nil
            case 16:
                let me = try kernel.getpid()
                return me != pid ? "getpid answered \(me), then \(pid)" : nil
            case 17:
                let index: Int32 = random.pick([-1, Int32.min, Int32.max, 16, 200, Int32(random.below(20))])
                let row = try kernel.process(index)
                return (index < 0 || index >= 200) && row.pid != 0 ? "process(\(index)) answered pid \(row.pid)" : nil
            case 18:
                let index: Int32 = random.pick([-1, Int32.min, Int32.max, 65_536, Int32(random.below(40))])
                let row = try kernel.domainInfo(index)
                return (index < 0 || index >= 65_536) && row.exists ? "domainInfo(\(index)) answered a domain" : nil
            default:
                // Kinds that are none, or domains that are not there: nothing may be armed.
                let kind: UInt8 = random.pick([0, 1, 2, 3, 255])
                let name = kind == 1 || kind == 2 ? random.pick(["nosuchdomain", "", String(repeating: "z", count: 40)]) : random.pick(["rv6fs", "rv6", "nvme", "x"])
                let e = system.injectFault(into: name, kind)
                return e == .none ? "injectFault(\(name), \(kind)) armed a fault" : nil
            }
        } catch {
            return "a call failed at the proxy: \(error)"
        }
    }

    mutating func waitOne() -> String? {
        let r = system.wait()
        if children == 0 { return r.error == .noChild ? nil : "wait with no children answered \(r.error)" }
        guard r.error == .none, r.pid > 0 else { return "wait for one of \(children) children answered \(r.error)" }
        children -= 1
        return nil
    }
}

/// SplitMix64 (Steele, Lea and Flood): a small generator whose every seed gives a good stream.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ choices: [T]) -> T { choices[below(choices.count)] }
}
