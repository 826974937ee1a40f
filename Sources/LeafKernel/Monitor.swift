import CLeafKernel
import LeafAbstraction
@_spi(Kernel) import LeafCore
import Specs

/// The runtime invariant monitor: after each self-test step it checks, on the live kernel
/// state, every invariant that Specs states and Proofs proves (`Specs.Invariant`).
///
/// It evaluates the specification's invariants on `Abstraction.state`, the abstraction
/// function the host refinement tests use. It also checks each invariant directly on LeafCore's
/// tables through its public API (`holds(_:_:)`, whose `switch` over `Invariant` is exhaustive),
/// which scales to the full object table and names the offending rows; and it adds one thing only
/// bare metal can see: the frame allocator's per-frame tags must match LeafCore's page
/// accounting, domain by domain.
enum Monitor {
    nonisolated(unsafe) static var checks = 0
    nonisolated(unsafe) static var violations = 0
    /// Checks that went through the abstraction function and the spec's own invariants.
    nonisolated(unsafe) static var specChecks = 0
    /// Frames in use right after Kernel.boot (LeafCore's tables).
    nonisolated(unsafe) static var baselineFrames = 0

    /// What the invariants are evaluated on: one snapshot of the public kernel state.
    struct Snapshot {
        let config: KernelConfiguration
        let domainCount: Int
        var objects: [ObjectEntry] = []
        var ids: [ObjectID] = []
        var frames: [[Frame]] = []
        var threadStates: [ThreadState] = []
        var homes: [DomainID] = []
        var domainStates: [DomainState] = []
        var runQueue: [ThreadID]
        var running: ThreadID
        var currentDomain: DomainID

        init() {
            config = Kernel.configuration
            domainCount = Kernel.domainSlotsInUse
            runQueue = Kernel.runQueue
            running = Kernel.runningThread
            currentDomain = Kernel.currentDomain
            for d in 0..<domainCount { domainStates.append(Kernel.state(of: DomainID(UInt16(d)))) }
            for i in 0..<config.objectCapacity { objects.append(Kernel.object(at: i)); ids.append(Kernel.objectID(at: i)) }
            for t in 0..<config.threadCapacity {
                let id = ThreadID(UInt16(t))
                threadStates.append(Kernel.state(of: id))
                homes.append(Kernel.home(of: id))
                frames.append(Kernel.frames(of: id))
            }
        }

        func isLive(_ d: DomainID) -> Bool { Int(d.raw) < domainCount && domainStates[Int(d.raw)] == .live }
        func isActive(_ t: Int) -> Bool { threadStates[t] != .unused && threadStates[t] != .exited }
        func isContainer(_ i: Int) -> Bool { objects[i].isContainer }
        /// Follows parent links to the root; nil on a cycle or a bad link.
        func root(_ i: Int) -> Int? {
            var cursor = i
            for _ in 0...config.objectCapacity {
                guard objects[cursor].state == .held else { return cursor }
                let p = Int(objects[cursor].parent)
                guard p < config.objectCapacity, p != i else { return nil }
                cursor = p
            }
            return nil
        }
    }

    /// Checks every invariant; returns the number of violations (each printed with its name).
    @discardableResult
    static func check(_ step: String, frames: FrameAllocator) -> Int {
        let s = Snapshot()
        var problems: [String] = []
        for invariant in Invariant.allCases {
            for p in holds(invariant, s) { problems.append("\(invariant.name): \(p)") }
        }
        for p in platformAccounting(s, frames) { problems.append("frames-match-page-accounting: \(p)") }
        // The specification's own invariants, evaluated on the abstraction of the live kernel:
        // the same function the host refinement tests compare with the spec after every step.
        do throws(AbstractionError) {
            var privatePages = 0
            for d in 0..<Kernel.domainSlotsInUse { privatePages += Kernel.pages(of: DomainID(UInt16(d))) }
            // Room to spare: building the abstraction allocates in the kernel's own heap.
            let state = try Abstraction.state(pages: privatePages + 64)
            for invariant in state.brokenInvariants { problems.append("\(invariant.name): broken in the abstraction of the live kernel") }
            specChecks += 1
        } catch { problems.append("abstraction: \(error)") }
        checks += 1
        violations += problems.count
        for p in problems { print("  monitor VIOLATION after \(step): \(p)") }
        return problems.count
    }

    /// The violations of one invariant in the snapshot (empty when it holds).
    static func holds(_ invariant: Invariant, _ s: Snapshot) -> [String] {
        var bad: [String] = []
        func expect(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { bad.append(what()) } }
        let objects = 0..<s.config.objectCapacity
        let domains = 0..<s.domainCount
        let threads = 0..<s.config.threadCapacity
        let none = UInt32.max

        switch invariant {
        case .kernelAlwaysLive:
            expect(s.domainStates[0] == .live, "the kernel domain is \(s.domainStates[0])")

        case .ownedObjectsHaveLiveOwners:
            for i in objects where s.objects[i].state == .owned {
                expect(s.isLive(s.objects[i].owner) && s.objects[i].parent == none,
                       "object \(i) is owned by \(s.objects[i].owner), not live or with parent \(s.objects[i].parent)")
            }

        case .heldObjectsAreInContainers:
            for i in objects where s.objects[i].state == .held {
                let p = Int(s.objects[i].parent)
                expect(p < s.config.objectCapacity && s.objects[p].state != .free && s.isContainer(p),
                       "object \(i) is held by \(p), which is not an allocated container")
            }

        case .freeObjectsAreClean:
            for i in objects where s.objects[i].state == .free {
                let e = s.objects[i]
                expect(e.owner == .kernel && e.parent == none && e.borrows == 0 && e.payload == nil,
                       "free object \(i) keeps an owner, parent, borrows or payload")
            }

        case .nestingFollowsParents:
            // LeafCore keeps no nesting relation besides the parent links and the slots: they
            // must agree, each way.
            for i in objects where s.objects[i].state == .held {
                let p = Int(s.objects[i].parent)
                guard p < s.config.objectCapacity else { continue }
                let slots = Kernel.elements(ofContainerAt: p)
                expect(slots.filter { $0 == s.ids[i] }.count == 1, "object \(i) is not in exactly one slot of its container \(p)")
            }
            for i in objects where s.objects[i].state != .free && s.isContainer(i) {
                for element in Kernel.elements(ofContainerAt: i) where element != .none {
                    let x = Int(element.index)
                    expect(x < s.config.objectCapacity && s.objects[x].state == .held && Int(s.objects[x].parent) == i
                           && s.objects[x].generation == element.generation, "container \(i) names \(element), which it does not hold")
                }
            }

        case .nestingIsAcyclic:
            for i in objects where s.objects[i].state == .held {
                expect(s.root(i) != nil, "object \(i) is in a cycle of containers (or a broken chain)")
            }

        case .everyObjectHasOneOwner:
            for i in objects where s.objects[i].state != .free {
                if let r = s.root(i) { expect(s.objects[r].state == .owned, "object \(i)'s outermost container \(r) is not owned") }
            }

        case .deadDomainsOwnNothing:
            for raw in domains {
                let d = DomainID(UInt16(raw))
                let state = s.domainStates[raw]
                guard state != .live else { continue }
                expect(Kernel.objectsOwned(by: d) == 0 && Kernel.pages(of: d) == 0
                       && !objects.contains { s.objects[$0].state == .owned && s.objects[$0].owner == d },
                       "\(d) is \(state) but owns \(Kernel.objectsOwned(by: d)) objects and \(Kernel.pages(of: d)) pages")
            }

        case .objectCountsMatch:
            var owned = [Int](repeating: 0, count: s.domainCount)
            for i in objects where s.objects[i].state == .owned && Int(s.objects[i].owner.raw) < s.domainCount {
                owned[Int(s.objects[i].owner.raw)] += 1
            }
            for raw in domains {
                let d = DomainID(UInt16(raw))
                expect(owned[raw] == Kernel.objectsOwned(by: d), "\(d) owns \(owned[raw]) objects, objectsOwned says \(Kernel.objectsOwned(by: d))")
            }
            var live = 0
            for i in objects where s.objects[i].state != .free { live += 1 }
            expect(live == Kernel.liveObjects, "\(live) allocated rows, liveObjects says \(Kernel.liveObjects)")

        case .pageCountsMatch:
            var privatePages = 0
            for raw in domains { privatePages += Kernel.pages(of: DomainID(UInt16(raw))) }
            expect(Kernel.pagesInUse == privatePages + Kernel.sharedHeapPages,
                   "pagesInUse \(Kernel.pagesInUse) != private \(privatePages) + shared \(Kernel.sharedHeapPages)")

        case .borrowsCountLendingFrames:
            var lending = [UInt32](repeating: 0, count: s.config.objectCapacity)
            for t in threads where s.isActive(t) {
                for f in s.frames[t] {
                    for j in 0..<f.lentCount where Int(f.lentObject(j).index) < s.config.objectCapacity { lending[Int(f.lentObject(j).index)] += 1 }
                }
            }
            for i in objects {
                expect(s.objects[i].borrows == lending[i], "object \(i) has \(s.objects[i].borrows) borrows, frames lend it \(lending[i]) times")
            }

        case .framesOffStacksAreEmpty:
            // Frames above a stack's top are not visible through the API; the frames on it must
            // lend only allocated objects.
            for t in threads where s.isActive(t) {
                for f in s.frames[t] {
                    for j in 0..<f.lentCount {
                        let id = f.lentObject(j)
                        expect(Int(id.index) < s.config.objectCapacity && s.objects[Int(id.index)].state != .free
                               && s.objects[Int(id.index)].generation == id.generation, "thread \(t) lends \(id), which is not allocated")
                    }
                }
            }

        case .threadsRunInLiveDomains:
            for t in threads {
                if s.isActive(t) {
                    expect(s.homes[t] == .kernel || s.isLive(s.homes[t]), "thread \(t)'s home \(s.homes[t]) is not live")
                    if let top = s.frames[t].last {
                        expect(s.isLive(top.callee), "thread \(t) runs in \(top.callee), which is not live")
                    }
                } else {
                    expect(s.frames[t].isEmpty, "thread \(t) is \(s.threadStates[t]) but has frames")
                }
            }

        case .stacksChainCallerToCallee:
            for t in threads where s.isActive(t) {
                expect(s.frames[t].count <= s.config.frameDepth, "thread \(t) is deeper than frameDepth")
                for (i, f) in s.frames[t].enumerated() {
                    expect(f.caller == (i == 0 ? s.homes[t] : s.frames[t][i - 1].callee), "thread \(t)'s frames do not chain at depth \(i)")
                }
            }

        case .currentDomainIsTopFrame:
            let t = Int(s.running.raw)
            let expected = s.frames[t].last?.callee ?? s.homes[t]
            expect(s.currentDomain == expected, "current domain \(s.currentDomain), running thread's top is \(expected)")

        case .runQueueHoldsReadyThreads:
            for t in threads {
                let id = ThreadID(UInt16(t))
                let n = s.runQueue.filter { $0 == id }.count
                expect(n == (s.threadStates[t] == .ready ? 1 : 0), "thread \(t) is \(s.threadStates[t]) and queued \(n) times")
            }

        case .oneRunningThread:
            for t in threads where s.threadStates[t] == .running {
                expect(ThreadID(UInt16(t)) == s.running, "thread \(t) is running but is not the current thread")
            }
            expect(s.threadStates[Int(s.running.raw)] == .running, "the current thread is not running")
        }
        return bad
    }

    /// The monitor is not vacuous: each mutant breaks one invariant in a copy of the live
    /// snapshot, and the monitor must name that invariant. Returns the mutants it missed.
    static func selfCheck() -> [String] {
        let live = Snapshot()
        var missed: [String] = []
        func expectCaught(_ name: String, _ invariant: Invariant, _ mutate: (inout Snapshot) -> Bool) {
            var s = live
            guard mutate(&s) else { missed.append("\(name): no state to mutate"); return }
            if holds(invariant, s).isEmpty { missed.append("\(name) (\(invariant.name))") }
        }
        expectCaught("a second running thread", .oneRunningThread) { s in
            guard let t = (1..<s.threadStates.count).first(where: { s.threadStates[$0] != .running }) else { return false }
            s.threadStates[t] = .running
            return true
        }
        expectCaught("the running thread queued", .runQueueHoldsReadyThreads) { s in s.runQueue.append(s.running); return true }
        expectCaught("the current domain not the running thread's", .currentDomainIsTopFrame) { s in
            s.currentDomain = DomainID(UInt16(s.domainCount - 1)); return s.domainCount > 1
        }
        expectCaught("an owned object's row lost", .objectCountsMatch) { s in
            guard let i = s.objects.indices.first(where: { s.objects[$0].state == .owned }),
                  let f = s.objects.indices.first(where: { s.objects[$0].state == .free }) else { return false }
            s.objects[i] = s.objects[f]
            return true
        }
        expectCaught("a domain owning objects marked crashed", .deadDomainsOwnNothing) { s in
            guard let i = s.objects.indices.first(where: { s.objects[$0].state == .owned && s.objects[$0].owner != .kernel }) else { return false }
            s.domainStates[Int(s.objects[i].owner.raw)] = .crashed
            return true
        }
        expectCaught("the kernel domain not live", .kernelAlwaysLive) { s in s.domainStates[0] = .stopped; return true }
        return missed
    }

    /// Bare-metal accounting: frames tagged as domain d's heap are exactly LeafCore's pages of
    /// d, shared-heap frames are the shared heap's pages, and nothing else is in use.
    static func platformAccounting(_ s: Snapshot, _ frames: FrameAllocator) -> [String] {
        var bad: [String] = []
        let tagged = frames.privateFrames(domains: s.domainCount)
        for raw in 0..<s.domainCount where tagged[raw] != Kernel.pages(of: DomainID(UInt16(raw))) {
            bad.append("domain \(raw): \(tagged[raw]) frames tagged as its heap, LeafCore accounts \(Kernel.pages(of: DomainID(UInt16(raw))))")
        }
        let shared = frames.frames(tagged: FrameAllocator.Tag.shared)
        if shared != Kernel.sharedHeapPages { bad.append("\(shared) frames tagged shared, the shared heap has \(Kernel.sharedHeapPages) pages") }
        if frames.usedFrames != baselineFrames + Kernel.pagesInUse + Threads.stackFramesInUse {
            bad.append("frames in use \(frames.usedFrames) != tables \(baselineFrames) + pages \(Kernel.pagesInUse) + stacks \(Threads.stackFramesInUse)")
        }
        if frames.doubleFrees != 0 { bad.append("\(frames.doubleFrees) frames freed twice or never allocated") }
        return bad
    }
}
