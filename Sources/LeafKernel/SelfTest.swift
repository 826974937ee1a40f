import CLeafKernel
@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import EduDomain
import LeafBoot
@_spi(Kernel) import LeafDevices
import ProbeDomain

/// The kernel self-test, run at boot. Every step is followed by the invariant monitor.
/// It ends with `selftest: N passed, F failed`; the kernel then exits QEMU with the result.
enum SelfTest {
    nonisolated(unsafe) static var passed = 0
    nonisolated(unsafe) static var failed = 0
    nonisolated(unsafe) static var frames: FrameAllocator! = nil
    /// The domains the manifest made at boot (KernelManifest).
    nonisolated(unsafe) static var graph: BootGraph? = nil
    /// Booted with leaf.icount (boot/qemu.sh bench: TCG, -icount shift=0): the TSC then counts
    /// one tick per guest instruction, so the call cost is a path length in instructions.
    nonisolated(unsafe) static var icount = false
    /// Booted with leaf.monitor=every (the debug kernel): the monitor runs after every
    /// transition of the steps that exercise the kernel itself; the device steps are skipped.
    nonisolated(unsafe) static var everyTransition = false
    /// How long a step that waits on other threads may take before it gives up (the debug
    /// kernel's check after every transition makes each one slower).
    static var stepBudgetMs: UInt64 { everyTransition ? 40_000 : 10_000 }

    static func check(_ ok: Bool, _ what: String) {
        if ok { passed += 1; print("  ok    \(what)") } else { failed += 1; print("  FAIL  \(what)") }
    }

    static func monitor(_ step: String) {
        let violations = Monitor.check(step, frames: frames)
        check(violations == 0, "invariant monitor after \(step)")
    }

    static func expectError(_ expected: RpcError, _ what: String, _ body: () throws(RpcError) -> Void) {
        do throws(RpcError) {
            try body()
            check(false, "\(what): returned normally, expected \(expected)")
        } catch {
            check(error == expected, "\(what): \(error == expected ? "\(expected)" : "got \(error), expected \(expected)")")
        }
    }

    static func makeRef(_ v: Int) throws(RpcError) -> RRef<Int> {
        do { return try RRef(v) } catch { throw .invalidArgument }
    }

    static func makeDeque(_ values: [Int]) throws(RpcError) -> RRefDeque<Int, 32> {
        var deque: RRefDeque<Int, 32>
        do { deque = try RRefDeque<Int, 32>() } catch { throw .invalidArgument }
        for v in values { if let refused = deque.push(try makeRef(v)) { _ = refused; throw .invalidArgument } }
        return deque
    }

    static func proxy(_ d: DomainID) -> ProbeProxy { ProbeDomains.proxy(d).unsafelyUnwrapped }

    static func run(pciDevices: [PCIFunction], graph: BootGraph) {
        self.graph = graph
        defer { self.graph = nil }
        print("selftest: start")
        do throws(KernelError) { try body(pciDevices: pciDevices) } catch {
            check(false, "kernel operation refused: \(error)")
        }
    }

    /// The ProbeDomain module, the strictly memory-safe domain the host tests run, linked into
    /// the image from the same source: calls, a relay between two of its domains, a Swift trap
    /// (#UD here) and a restart that rebinds the proxy.
    static func domainModules() throws(KernelError) {
        print("step: domain modules")
        let first = try ProbeProxy.spawn(name: "module-1") { ProbeDomain(peers: { ModuleProbes.peer($0) }) }
        let second = try ProbeProxy.spawn(name: "module-2") { ProbeDomain(peers: { ModuleProbes.peer($0) }) }
        ModuleProbes.proxies = [first, second]
        do throws(RpcError) {
            try first.ping()
            let moved = try first.exchange(try makeRef(1))
            check((try? moved.read()) == 2 && Kernel.object(at: Int(moved.id.index)).owner == .kernel,
                  "ProbeDomain (\(first.domain)): exchange moves an RRef in and a new one out")
            let v = try makeRef(9)
            check(try first.relay(Route([second.domain]), 0, v) == 9, "relay \(first.domain) -> \(second.domain), both ProbeDomain modules")
            expectError(.domainCrashed, "a Swift trap in ProbeDomain (\(second.domain))") { () throws(RpcError) in try second.trap(.indexOutOfRange) }
            check(Kernel.state(of: second.domain) == .crashed && Kernel.pages(of: second.domain) == 0,
                  "\(second.domain) crashed and was torn down; \(first.domain) is \(Kernel.state(of: first.domain))")
            try? Kernel.restart(second.domain)
            check(try first.relay(Route([second.domain]), 0, v) == 9 && second.incarnation == 2,
                  "\(second.domain) restarted from the module's entry; the relay works again")
            // Frames of 80 KiB, larger than the guard page and the stack: the module's stack probes make the
            // guard stop the recursion (without them a frame steps over it, into the page tables
            // below the boot stack).
            expectError(.domainCrashed, "a stack overflow in ProbeDomain (\(second.domain)) with 80 KiB frames") { () throws(RpcError) in try second.trap(.stackOverflow) }
            check(Traps.last.vector == 14 && Traps.last.domain == second.domain,
                  "the guard page under the stack stopped it: \(Traps.name(Traps.last.vector)) at \(Traps.last.address)")
            try? Kernel.restart(second.domain)
            check(try first.relay(Route([second.domain]), 0, v) == 9, "\(second.domain) restarted; the relay works again")
        } catch { check(false, "domain modules: \(error)") }
        monitor("domain modules")
    }

    static func body(pciDevices: [PCIFunction]) throws(KernelError) {
        monitor("boot")
        if everyTransition { Kernel.transitionObserver = Monitor.afterEveryTransition }
        defer { Kernel.transitionObserver = nil }

        // ---- Domains, each with a probe built inside it, in its private heap.
        print("step: domains")
        let a = try ProbeDomains.create("probe-a")
        let b = try ProbeDomains.create("probe-b")
        let c = try ProbeDomains.create("probe-c")
        for d in [a, b, c] {
            check(Kernel.state(of: d) == .live && Kernel.incarnation(of: d) == 1, "\(d) (\(Kernel.name(of: d))) created and live")
            check(Kernel.pages(of: d) > 0 && frames.frames(tagged: FrameAllocator.Tag.privateHeap(d)) == Kernel.pages(of: d),
                  "\(d)'s objects live in its own heap: \(Kernel.pages(of: d)) pages, all tagged as its frames")
        }
        let before = Kernel.pages(of: a)
        let othersBefore = [Kernel.pages(of: .kernel), Kernel.pages(of: b), Kernel.pages(of: c)]
        do throws(RpcError) {
            try Kernel.run(in: a) { ProbeDomains.probe(a)?.scratch = [Int](repeating: 7, count: 4096) }
        } catch { check(false, "allocation inside \(a): \(error)") }
        check(Kernel.pages(of: a) >= before + 8, "posix_memalign inside \(a) takes pages for its heap (\(before) -> \(Kernel.pages(of: a)))")
        check([Kernel.pages(of: .kernel), Kernel.pages(of: b), Kernel.pages(of: c)] == othersBefore,
              "the other heaps (kernel, \(b), \(c)) are unchanged by \(a)'s allocation")
        monitor("domains")

        // ---- Calls and RRef moves through ProbeProxy.
        print("step: calls and RRef moves")
        do throws(RpcError) {
            try proxy(a).ping()
            check(true, "ping through ProbeProxy")
            check(try proxy(a).add(2, 40) == 42, "add(2, 40) == 42 across the boundary")
            let kernelOwned = Kernel.objectsOwned(by: .kernel)
            let r = try makeRef(41)
            let id = r.id
            check(try proxy(a).keep(r) == 41, "keep(RRef(41)) moves the object into \(a)")
            check(Kernel.object(at: Int(id.index)).owner == a && Kernel.objectsOwned(by: a) == 1
                  && Kernel.objectsOwned(by: .kernel) == kernelOwned, "the object table now says \(a) owns it")
            let m = try proxy(a).make(7)
            check(Kernel.object(at: Int(m.id.index)).owner == .kernel && (try? m.read()) == 7, "make(7) moves a new object out to the kernel")
            let x = try proxy(a).exchange(m)
            check((try? x.read()) == 8 && Kernel.objectsOwned(by: a) == 1, "exchange moves one in and one out")
            check(try proxy(b).inspect(x) == 8 && Kernel.object(at: Int(x.id.index)).borrows == 0,
                  "inspect lends for the call only (borrows back to 0)")
            var out = try proxy(b).batch(try makeDeque([1, 2, 3]))
            var values: [Int] = []
            do throws(AccessError) { while let e = try out.pop() { values.append(try e.read()) } } catch { throw RpcError.invalidArgument }
            check(values == [2, 3, 4], "batch moves a deque of 3 in and back out (\(values))")
            do throws(RpcError) {
                _ = try proxy(b).keep(RRef<Int>(_adopting: id))
                check(false, "moving an object \(a) owns, from the kernel: accepted")
            } catch {
                check(error == .ownershipViolation, "moving an object \(a) owns, from the kernel: \(error)")
            }
        } catch { check(false, "calls: \(error)") }
        monitor("calls and moves")
        let missed = Monitor.selfCheck()
        check(missed.isEmpty, missed.isEmpty ? "the monitor catches each of 8 mutants of the live state (7 spec invariants, the representation invariant)"
                                             : "the monitor missed mutants: \(missed)")

        // ---- Nested calls: kernel -> a -> b -> c, lending one object all the way.
        print("step: nested calls")
        do throws(RpcError) {
            let v = try makeRef(5)
            check(try proxy(a).relay(Route([a, b, c]), 0, v) == 7, "relay kernel -> \(a) -> \(b) -> \(c) reads the lent object (5 + 2 hops)")
            do throws(RpcError) {
                _ = try proxy(a).relay(Route([a, b, c], trapAt: 2, trap: .indexOutOfRange), 0, v)
                check(false, "relay with \(c) trapping at depth 3: returned normally")
            } catch {
                check(error == .domainCrashed, "relay with \(c) trapping at depth 3: the kernel gets \(error)")
            }
            check(Kernel.state(of: c) == .crashed && Kernel.state(of: a) == .live && Kernel.state(of: b) == .live,
                  "only \(c) crashed; \(a) and \(b) went on")
            check(Kernel.object(at: Int(v.id.index)).borrows == 0, "the lent object's borrows were released by the unwind")
            do throws(KernelError) { try ProbeDomains.restart(c) } catch { check(false, "restart \(c): \(error)") }
            check(try proxy(a).relay(Route([a, b, c]), 0, v) == 7, "\(c) restarted; the nested call works again")
            // Re-entrant: kernel -> a -> b -> a, the inner a traps. b is told (its call returns
            // domainCrashed, its error path runs); its return into the dead a unwinds to the
            // kernel's call into a.
            ProbeDomains.relayFailuresSeen = 0
            expectError(.domainCrashed, "relay kernel -> \(a) -> \(b) -> \(a), the inner \(a) trapping") { () throws(RpcError) in
                _ = try proxy(a).relay(Route([a, b, a], trapAt: 2, trap: .indexOutOfRange), 0, v)
            }
            check(ProbeDomains.relayFailuresSeen == 1 && ProbeDomains.lastToSeeARelayFail == b && Kernel.state(of: a) == .crashed && Kernel.state(of: b) == .live
                  && Kernel.frames(of: Kernel.runningThread).isEmpty && Kernel.object(at: Int(v.id.index)).borrows == 0,
                  "\(b) was told and ran on (\(ProbeDomains.relayFailuresSeen) relay failure, seen in \(ProbeDomains.lastToSeeARelayFail)); the dead \(a) was unwound past; borrows released")
            do throws(KernelError) { try ProbeDomains.restart(a) } catch { check(false, "restart \(a): \(error)") }
            check(try proxy(a).relay(Route([a, b, c]), 0, v) == 7, "\(a) restarted; the nested call works again")
        } catch { check(false, "nested calls: \(error)") }
        monitor("nested calls")
        try domainModules()
        try updateUnderTheClosure()

        // ---- A domain crashed by each kind of exception, then restarted.
        print("step: exceptions inside a domain")
        struct Case { let name: String; let swiftTrap: TrapKind?; let fault: CPUFault; let vector: UInt64 }
        let cases = [
            Case(name: "#UD: Swift array index out of range", swiftTrap: .indexOutOfRange, fault: .none, vector: 6),
            Case(name: "#UD: Swift nil unwrap", swiftTrap: .nilUnwrap, fault: .none, vector: 6),
            Case(name: "#UD: Swift arithmetic overflow", swiftTrap: .overflow, fault: .none, vector: 6),
            Case(name: "#UD: Swift division by zero check", swiftTrap: .divisionByZero, fault: .none, vector: 6),
            Case(name: "#UD: Swift fatalError", swiftTrap: .fatalError, fault: .none, vector: 6),
            Case(name: "#DE: div by zero", swiftTrap: nil, fault: .divideError, vector: 0),
            Case(name: "#GP: non-canonical address", swiftTrap: nil, fault: .nonCanonical, vector: 13),
            Case(name: "#PF: unmapped address", swiftTrap: nil, fault: .unmapped, vector: 14),
            Case(name: "#PF: null page", swiftTrap: nil, fault: .nullPage, vector: 14),
            Case(name: "#PF: stack overflow into the guard page", swiftTrap: nil, fault: .stackOverflow, vector: 14),
        ]
        var crashCosts: [UInt64] = []
        var restartCosts: [UInt64] = []
        for t in cases {
            let d = a
            let incarnation = Kernel.incarnation(of: d)
            do throws(RpcError) {
                _ = try proxy(d).keep(try makeRef(99))
            } catch { check(false, "\(t.name): setup: \(error)") }
            let faultsBefore = Traps.count
            if t.swiftTrap == nil { ProbeDomains.probe(d)?.armed = t.fault }
            let crashStart = leaf_rdtsc()
            expectError(.domainCrashed, "\(t.name) in \(d): the caller gets") { () throws(RpcError) in
                if let kind = t.swiftTrap { try proxy(d).trap(kind) } else { try proxy(d).ping() }
            }
            crashCosts.append(leaf_rdtsc() - crashStart)
            check(Traps.count == faultsBefore + 1 && Traps.last.vector == t.vector && Traps.last.domain == d,
                  "\(t.name): the CPU raised \(Traps.name(Traps.last.vector)) at rip 0x\(Console.hex(Traps.last.rip))"
                  + (Traps.last.vector == 14 ? " (cr2 0x\(Console.hex(Traps.last.address)))" : ""))
            check(Kernel.state(of: d) == .crashed && Kernel.objectsOwned(by: d) == 0 && Kernel.pages(of: d) == 0
                  && frames.frames(tagged: FrameAllocator.Tag.privateHeap(d)) == 0,
                  "\(t.name): \(d) torn down: objects and every private page returned")
            expectError(.domainUnavailable, "\(t.name): a call to the crashed \(d)") { () throws(RpcError) in try proxy(d).ping() }
            let restartStart = leaf_rdtsc()
            try ProbeDomains.restart(d)
            restartCosts.append(leaf_rdtsc() - restartStart)
            var pinged = true
            do throws(RpcError) { try proxy(d).ping() } catch { pinged = false }
            check(Kernel.state(of: d) == .live && Kernel.incarnation(of: d) == incarnation + 1 && pinged,
                  "\(t.name): \(d) restarted (incarnation \(Kernel.incarnation(of: d))) and answers")
            monitor(t.name)
        }

        // Measured around the failing call and around the restart only.
        let unit = icount ? "instructions" : "cycles"
        print("crash recovery: fault to RpcError.domainCrashed (unwind and teardown included) median \(median(crashCosts)) \(unit); restart (fresh heap, entry re-run, new proxy) median \(median(restartCosts)) \(unit)")

        // ---- Two threads preempted by the local APIC timer.
        print("step: preemption")
        preemption(a, b, c)
        monitor("preemption")
        print("step: a domain crashes while another thread is inside it")
        crossThreadCrash(a, b)
        monitor("cross-thread crash")
        print("step: a domain crashes while another thread runs in a domain it called")
        crashUnderACall(a, b, c)
        monitor("crash under a call")
        print("step: call budget")
        callBudget(a)
        monitor("call budget")

        if !everyTransition {
            // ---- PCI.
            print("step: PCI")
            check(!pciDevices.isEmpty, "PCI enumeration found \(pciDevices.count) functions")
            check(pciDevices.contains { $0.address == PCIAddress(bus: 0, device: 0, function: 0) && $0.classCode == 0x06 && $0.subclass == 0x00 },
                  "a host bridge at 00:00.0")
            devices(pciDevices)
            monitor("devices")
            nvme()
            monitor("nvme")
            rv6fs()
            monitor("rv6fs")
            nullnet()
            monitor("nullnet")
            virtioNet()
            monitor("virtio-net")
            ixgbeOnModel()
            monitor("ixgbe")

            // ---- The cost of a cross-domain call (a monitor after every transition would be in it).
            print("step: call cost")
            callCost(a)
            monitor("call cost")
        }

        // ---- Teardown on request.
        print("step: teardown")
        for d in [a, b, c] {
            try Kernel.tearDown(d)
            check(Kernel.state(of: d) == .stopped && Kernel.pages(of: d) == 0 && Kernel.objectsOwned(by: d) == 0,
                  "\(d) stopped: every object and page returned")
        }
        monitor("teardown")
    }

    static func preemption(_ a: DomainID, _ b: DomainID, _ c: DomainID) {
        let deadline = Clock.deadline(afterMilliseconds: stepBudgetMs)
        func worker() {
            let me = Kernel.runningThread
            var spins = 0
            while Threads.timesPreempted(me) < 3 && leaf_rdtsc() < deadline {
                Threads.withPreemption {
                    for _ in 0..<20_000 { spins &+= 1; leaf_pause() }
                }
                // A cross-domain call between preemptible sections, from the thread's home domain.
                do throws(RpcError) { _ = try proxy(c).add(spins, 1) } catch {}
            }
        }
        let t1: ThreadID, t2: ThreadID
        do {
            t1 = try Threads.spawn(home: a, frames: frames, worker)
            t2 = try Threads.spawn(home: b, frames: frames, worker)
        } catch { check(false, "spawn threads: \(error)"); return }
        check(Kernel.runQueue == [t1, t2], "\(t1) (home \(a)) and \(t2) (home \(b)) are ready")
        var monitoredMidway = false
        while !(Threads.finished(t1) && Threads.finished(t2)) && leaf_rdtsc() < deadline + Clock.tscPerMs * 1000 {
            Threads.yield()
            if !monitoredMidway && Threads.timesPreempted(t1) >= 1 && Threads.timesPreempted(t2) >= 1 {
                // Three live threads, two of them preempted: the scheduler invariants on a busy state.
                monitor("both threads preempted once (midway)")
                monitoredMidway = true
            }
        }
        var log: [UInt16] = []
        for i in 0..<Threads.switchLogCount { log.append(Threads.switchLog[i]) }
        check(Threads.finished(t1) && Threads.finished(t2), "both threads ran to the end")
        check(Threads.timesPreempted(t1) >= 3 && Threads.timesPreempted(t2) >= 3,
              "the timer preempted \(t1) \(Threads.timesPreempted(t1)) times and \(t2) \(Threads.timesPreempted(t2)) times (\(Threads.ticks) ticks)")
        var shown = ""
        for t in log { shown += shown.isEmpty ? "\(t)" : " \(t)" }
        check(log.contains { $0 == t1.raw || $0 == t2.raw } && log.count >= 6,
              "the timer switched between threads \(log.count) times (to threads: \(shown))")
        do {
            try Threads.reap(t1, frames: frames)
            try Threads.reap(t2, frames: frames)
            check(Kernel.state(of: t1) == .exited && Kernel.state(of: t2) == .exited && Threads.stackFramesInUse == 0,
                  "both threads exited and their stacks were returned")
        } catch { check(false, "reap threads: \(error)") }
    }

    /// Thread t (home b) calls into a, whose ping spins preemptibly; meanwhile the kernel's
    /// thread crashes a. LeafCore unwinds t's frames; when t next runs, the platform resumes
    /// its call's continuation and t's proxy returns domainCrashed.
    static func crossThreadCrash(_ a: DomainID, _ b: DomainID) {
        let deadline = Clock.deadline(afterMilliseconds: stepBudgetMs)
        ProbeDomains.probe(a)?.spinInPing = true
        ProbeDomains.spinnerInside = false
        nonisolated(unsafe) var outcome: RpcError? = nil
        nonisolated(unsafe) var returned = false
        let t: ThreadID
        do {
            t = try Threads.spawn(home: b, frames: frames) {
                do throws(RpcError) { try proxy(a).ping(); returned = true } catch { outcome = error }
            }
        } catch { check(false, "spawn thread: \(error)"); return }
        while !ProbeDomains.spinnerInside && leaf_rdtsc() < deadline { Threads.yield() }
        check(ProbeDomains.spinnerInside && Kernel.frames(of: t).count == 1 && Kernel.frames(of: t)[0].callee == a,
              "\(t) (home \(b)) is inside a call to \(a), preempted there")
        do throws(RpcError) { try proxy(a).trap(.fatalError); check(false, "trap returned") } catch {
            check(error == .domainCrashed, "the kernel's thread crashes \(a): \(error)")
        }
        check(Kernel.frames(of: t).isEmpty, "LeafCore unwound \(t)'s call into the crashed \(a)")
        monitor("the crash, before \(t) runs again")
        while !Threads.finished(t) && leaf_rdtsc() < deadline { Threads.yield() }
        check(Threads.finished(t) && !returned && outcome == .domainCrashed && Threads.unwoundOnResume(t) == 1,
              "\(t) resumed at its call, which returned \(outcome.map { "\($0)" } ?? "nothing"), and went on to finish")
        do throws(KernelError) {
            try Threads.reap(t, frames: frames)
            try ProbeDomains.restart(a)
            check(Kernel.state(of: a) == .live, "\(a) restarted")
        } catch { check(false, "reap/restart: \(error)") }
    }

    /// Thread t (home b) relays through a into c, where it spins; meanwhile the kernel's thread
    /// crashes a. t runs in c, which is live, so it keeps its frames and c goes on; a cannot be
    /// restarted while t's frames name it. When c returns into the dead a, t unwinds past it and
    /// its call into a returns domainCrashed.
    static func crashUnderACall(_ a: DomainID, _ b: DomainID, _ c: DomainID) {
        let deadline = Clock.deadline(afterMilliseconds: stepBudgetMs)
        ProbeDomains.probe(c)?.spinInRelay = true
        ProbeDomains.spinnerInside = false
        ProbeDomains.spinnerReleased = false
        ProbeDomains.spinnerReturned = false
        nonisolated(unsafe) var outcome: RpcError? = nil
        nonisolated(unsafe) var returned = false
        let t: ThreadID
        do {
            t = try Threads.spawn(home: b, frames: frames) {
                do throws(RpcError) {
                    let v = try makeRef(4)
                    _ = try proxy(a).relay(Route([a, c]), 0, v)
                    returned = true
                } catch { outcome = error }
            }
        } catch { check(false, "spawn thread: \(error)"); return }
        while !ProbeDomains.spinnerInside && Clock.now < deadline { Threads.yield() }
        check(ProbeDomains.spinnerInside && Kernel.frames(of: t).count == 2 && Kernel.frames(of: t)[1].callee == c,
              "\(t) (home \(b)) runs in \(c), called from \(a)")
        do throws(RpcError) { try proxy(a).trap(.fatalError); check(false, "trap returned") } catch {
            check(error == .domainCrashed, "the kernel's thread crashes \(a): \(error)")
        }
        check(Kernel.frames(of: t).count == 2, "\(t) keeps its frames: it runs in \(c), which is live")
        monitor("the crash, while \(t) runs in \(c)")
        do throws(KernelError) { try ProbeDomains.restart(a); check(false, "restart of \(a) while a frame names it") } catch {
            check(error == .domainInUse(a), "\(a) is not restarted while \(t)'s frames name it: \(error)")
        }
        ProbeDomains.spinnerReleased = true
        while !Threads.finished(t) && Clock.now < deadline { Threads.yield() }
        check(Threads.finished(t) && ProbeDomains.spinnerReturned && !returned && outcome == .domainCrashed && Kernel.frames(of: t).isEmpty,
              "\(c) returned into the dead \(a); \(t)'s call into \(a) returned \(outcome.map { "\($0)" } ?? "nothing")")
        do throws(KernelError) {
            try Threads.reap(t, frames: frames)
            try ProbeDomains.restart(a)
            check(Kernel.state(of: a) == .live, "\(a) restarted once no frame names it")
        } catch { check(false, "reap/restart: \(error)") }
        ProbeDomains.probe(c)?.spinInRelay = false
    }

    /// The red team's write-anywhere through `update`, where no dynamic exclusivity check stops
    /// it (Embedded Swift): the closure drops the object under update and writes on. `update`
    /// works on a copy, so the write lands in the copy and the heap is intact.
    static func updateUnderTheClosure() throws(KernelError) {
        print("step: update under the closure")
        let d = try Kernel.createDomain(name: "attacker")
        nonisolated(unsafe) var first = -1, second = -1
        do throws(RpcError) {
            try Kernel.run(in: d) {
                guard let reference = try? RRef(0) else { return }
                let holder = Holder(reference)
                try? holder.reference.update { v in
                    if let fresh = try? RRef(1) { holder.reference = fresh }   // the object under update is dropped
                    v = 0x4141_4141_4141                                       // was: a write into the freed block
                }
                guard let a = try? RRef(2), let b = try? RRef(3) else { return }
                first = (try? a.read()) ?? -1
                second = (try? b.read()) ?? -1
            }
        } catch { check(false, "update under the closure: \(error)") }
        check(first == 2 && second == 3 && Kernel.state(of: d) == .live,
              "dropping the object inside its update corrupts nothing (the next objects read \(first), \(second))")
        try Kernel.tearDown(d)
        monitor("update under the closure")
    }

    /// The device layer on QEMU's devices: each register read goes through the capability the
    /// domain was handed (DEVICE-FACTS §1, §2; QEMU's edu.rst). The edu driver runs here on
    /// QEMU's device, unchanged from the host tests, where it runs on the model.
    static func devices(_ functions: [PCIFunction]) {
        print("step: devices")
        guard let graph else { check(false, "no boot graph"); return }
        let edu = functions.first { $0.vendorID == 0x1234 && $0.deviceID == 0x11e8 }
        let nvme = functions.first { $0.classCode == 0x01 && $0.subclass == 0x08 }
        let virtio = functions.first { $0.vendorID == 0x1af4 && $0.deviceID == 0x1000 }
        check(edu != nil && nvme != nil && virtio != nil,
              "the bus has QEMU's edu (\(edu.map { "\($0.address)" } ?? "missing")), an NVMe controller (\(nvme.map { "\($0.address)" } ?? "missing")) and a transitional virtio-net (\(virtio.map { "\($0.address)" } ?? "missing"))")
        let handedOut = graph.booted.flatMap { $0.functions }
        let each = handedOut.indices.allSatisfy { i in !handedOut[..<i].contains(handedOut[i]) }
        check(edu.map { handedOut.contains($0.address) } == true && each,
              "the manifest handed out \(handedOut.count) functions, each to one domain")
        guard let driver = graph.proxy(EduDeviceProxy.self, of: "edu"),
              let virtioProbe = graph.proxy(DeviceProbeProxy.self, of: "virtio-probe"),
              let noProbe = graph.proxy(DeviceProbeProxy.self, of: "no-device") else {
            check(false, "the manifest's device domains: \(graph.log)")
            return
        }
        do throws(RpcError) {
            let f5 = try driver.factorial(5), f12 = try driver.factorial(12), f13 = try driver.factorial(13)
            let live = try driver.liveness(0x1234_5678)
            check(f5 == 120 && f12 == 479_001_600 && f13 == 1_932_053_504 && live == ~0x1234_5678,
                  "the edu driver (\(driver.domain)) on QEMU's device: 5! = \(f5), 12! = \(f12), 13! mod 2^32 = \(f13); liveness inverts")
            check(dmaRoundTrip(driver), "QEMU's edu copied a 2 KiB block by DMA into its buffer and back into a new one (zero copy in the driver)")
            expectError(.deviceFailed, "a read past the end of virtio-net's 16 KiB BAR 4") { () throws(RpcError) in _ = try virtioProbe.read32(4, 16 * 1024) }
            // Legacy virtio header (virtio 1.x §4.1.4.8): device features at offset 0 of I/O BAR0.
            let features = try virtioProbe.in32(0, 0)
            check(features & (1 << 5) != 0, "virtio-net device features through \(virtioProbe.domain)'s ports: 0x\(Console.hex(UInt64(features))) (MAC offered, bit 5)")
            expectError(.deviceFailed, "a port read of virtio-net's memory BAR") { () throws(RpcError) in _ = try virtioProbe.in32(1, 0) }
        } catch { check(false, "device domains: \(error)") }
        expectError(.noDevice, "a register read from a domain handed no capability") { () throws(RpcError) in _ = try noProbe.read32(0, 0x08) }
        // A driver's domain torn down and started again from the manifest gets its function back.
        do throws(KernelError) { try Kernel.tearDown(driver.domain) } catch { check(false, "teardown of edu: \(error)") }
        check(edu.map { !$0.command.contains(.busMastering) } == true, "edu's teardown turned its device's bus mastering off (no DMA into reclaimed memory)")
        graph.forget("edu")
        do throws(BootError) {
            let again = try graph.start("edu")
            let f6 = try? graph.proxy(EduDeviceProxy.self, of: "edu")?.factorial(6)
            check(f6 == 720, "edu torn down and started again from the manifest (\(again)): 6! = \(f6.map { "\($0)" } ?? "none")")
        } catch { check(false, "restart edu from the manifest: \(error)") }
        // A queue ring of 64 KiB (as big as a thread's stack: filled in place), on a page of its own.
        if let ring = try? RRef<InlineArray<65536, UInt8>>(repeating: 0x5a), let edu,
           let address = try? edu.deviceAddress(of: ring) {
            check(address % 4096 == 0 && (try? ring.read(at: 65535)) == 0x5a,
                  "a 64 KiB ring at device address 0x\(Console.hex(address)): page-aligned, one run, its last entry in reach")
        } else { check(false, "a 64 KiB ring for the device") }
        // The same driver against the edu model running in the kernel, behind the same API (the
        // way the 82599's driver will boot, for want of a QEMU device).
        let bus = VirtualPCIBus()
        let model = EduModel(latency: 4)
        let modelAddress = PCIAddress(bus: 1, device: 0, function: 0)
        bus.attach(model, at: modelAddress)
        do throws(KernelError) {
            let onModel = try EduDeviceProxy.spawn(name: "edu-model") { EduDriver(function: bus.function(at: modelAddress)) }
            let f7 = try? onModel.factorial(7)
            check(f7 == 5040 && model.factorialsComputed == 1, "the edu driver (\(onModel.domain)) on the edu model in the kernel: 7! = \(f7.map { "\($0)" } ?? "none")")
            check(dmaRoundTrip(onModel) && model.transfersDone == 2, "the edu model's DMA in the kernel: the same block round trip")
            try Kernel.tearDown(onModel.domain)
        } catch { check(false, "the edu driver on the model: \(error)") }
    }

    /// A 2 KiB block with a pattern through the device's DMA and back: whether it came back whole.
    static func dmaRoundTrip(_ driver: EduDeviceProxy) -> Bool {
        var block = InlineArray<2048, UInt8>(repeating: 0)
        for i in 0..<2048 { block[i] = UInt8(truncatingIfNeeded: i &* 13 &+ 5) }
        guard let original = try? RRef(block) else { return false }
        do throws(RpcError) {
            let copy = try driver.copyThroughDevice(original)
            guard let back = try? copy.read() else { return false }
            for i in 0..<2048 where back[i] != block[i] { return false }
            return true
        } catch { return false }
    }

    /// A call into a domain that never returns, made with a 20 ms budget: the timer crashes the
    /// domain and the call returns domainCrashed; a call within its budget is not disturbed.
    static func callBudget(_ a: DomainID) {
        ProbeDomains.probe(a)?.runawayInPing = true
        let before = Threads.budgetsOverrun
        let start = Clock.now
        expectError(.domainCrashed, "a runaway ping in \(a) with a 20 ms budget") { () throws(RpcError) in
            try Threads.withCallBudget(milliseconds: 20) { () throws(RpcError) in try proxy(a).ping() }
        }
        let ms = (Clock.now - start) / Clock.tscPerMs
        check(Threads.budgetsOverrun == before + 1 && Kernel.state(of: a) == .crashed && ms < 1000,
              "the timer crashed \(a) after \(ms) ms (\(Threads.budgetsOverrun - before) overrun); it is \(Kernel.state(of: a))")
        do throws(KernelError) { try ProbeDomains.restart(a) } catch { check(false, "restart \(a): \(error)") }
        do throws(RpcError) {
            let sum = try Threads.withCallBudget(milliseconds: 1000) { () throws(RpcError) in try proxy(a).add(2, 3) }
            check(sum == 5 && Threads.budgetsOverrun == before + 1, "\(a) restarted; a call within its budget returns \(sum)")
        } catch { check(false, "a call within its budget: \(error)") }
    }

    nonisolated(unsafe) static var directTarget: (any Probe)? = nil

    static func median(_ samples: [UInt64]) -> UInt64 { samples.sorted()[samples.count / 2] }

    static func callCost(_ d: DomainID) {
        let p = proxy(d)
        // The direct call goes through the same existential the proxy's body calls, kept in a
        // global so that the optimizer cannot devirtualize it.
        guard let implementation = ProbeDomains.probe(d) else { check(false, "no probe in \(d)"); return }
        directTarget = implementation
        defer { directTarget = nil }
        let direct = directTarget.unsafelyUnwrapped
        let perSample: UInt64 = 100
        var viaProxy: [UInt64] = []
        var viaDirect: [UInt64] = []
        var failures = 0
        for _ in 0..<301 {
            var t0 = leaf_rdtsc()
            for _ in 0..<perSample { do throws(RpcError) { try p.ping() } catch { failures += 1 } }
            var t1 = leaf_rdtsc()
            viaProxy.append(t1 - t0)
            t0 = leaf_rdtsc()
            for _ in 0..<perSample { do throws(RpcError) { try direct.ping() } catch { failures += 1 } }
            t1 = leaf_rdtsc()
            viaDirect.append(t1 - t0)
        }
        let proxyCost = median(viaProxy)
        let directCost = median(viaDirect)
        check(failures == 0, "\(301 * perSample) pings through the proxy and directly, no failure")
        // Where the proxy's cost goes: the call-gate steps alone, from the kernel into d.
        var gateEnterLeave: [UInt64] = []
        var gateWithInvoke: [UInt64] = []
        struct Empty {}
        for _ in 0..<101 {
            var t0 = leaf_rdtsc()
            for _ in 0..<perSample {
                do throws(RpcError) { let f = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d)); CallGate.leave(f) } catch { failures += 1 }
            }
            var t1 = leaf_rdtsc()
            gateEnterLeave.append(t1 - t0)
            t0 = leaf_rdtsc()
            for _ in 0..<perSample {
                do throws(RpcError) {
                    var args = Empty()
                    let f = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d))
                    if CallGate.invoke(f, &args, { _ in ObjectID.none.word }) { CallGate.leave(f) } else { failures += 1 }
                } catch { failures += 1 }
            }
            t1 = leaf_rdtsc()
            gateWithInvoke.append(t1 - t0)
        }
        let unit = icount ? "instructions" : "cycles"
        print("call cost breakdown: CallGate.enter+leave \(Console.fixed(median(gateEnterLeave), perSample, decimals: 1)), enter+invoke(empty body)+leave \(Console.fixed(median(gateWithInvoke), perSample, decimals: 1)) \(unit)")
        print("call cost: ProbeProxy.ping \(Console.fixed(proxyCost, perSample, decimals: 1)) \(unit), direct ping \(Console.fixed(directCost, perSample, decimals: 1)) \(unit), ratio \(Console.fixed(proxyCost, max(directCost, 1), decimals: 1)) (rdtsc median of 301 samples of \(perSample) calls; RedLeaf bare metal: 124 cycles)")
    }
}

/// The kernel's directory of ProbeDomain proxies, which the domains reach through the closure
/// their entry is given.
enum ModuleProbes {
    nonisolated(unsafe) static var proxies: [ProbeProxy] = []
    static func peer(_ d: DomainID) -> (any Probe)? {
        for p in proxies where p.domain == d { return p }
        return nil
    }
}

/// The object `updateUnderTheClosure` drops from inside its own update.
final class Holder {
    var reference: RRef<Int>
    init(_ reference: consuming RRef<Int>) { self.reference = reference }
}
