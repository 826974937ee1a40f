import CLeafKernel
import LeafAbstraction
@_spi(Kernel) import LeafCore
import Specs

/// The runtime invariant monitor, run after each self-test step. It checks two things and
/// nothing else:
///
/// - the specification's invariants (`Specs.Invariant`, what `verify` proves), evaluated on
///   `Abstraction.state`, the image of the live kernel that the host refinement tests compare
///   with the spec after every step, over the kernel's whole tables;
/// - one representation invariant: what that image leaves out of LeafCore's tables and of the
///   machine and what its meaning rests on (container slots that agree with the parent links the
///   image reads, free rows that hold nothing, the row and charge counts, and on bare metal the
///   frame allocator's tags against LeafCore's page accounting).
///
/// The spec's invariants cost O(objects × (domains + frames)) on the kernel's tables with the
/// concrete logic (its lookups index and its counts are histograms), so the monitor evaluates
/// them whole at every step rather than sampling.
enum Monitor {
    nonisolated(unsafe) static var checks = 0
    nonisolated(unsafe) static var violations = 0
    /// Frames in use right after Kernel.boot (LeafCore's tables).
    nonisolated(unsafe) static var baselineFrames = 0

    /// The debug kernel (leaf.monitor=every): transitions observed, and violations found then.
    nonisolated(unsafe) static var transitions = 0
    nonisolated(unsafe) static var transitionViolations = 0
    nonisolated(unsafe) static var deferredTransitions = 0

    /// Checks both; returns the number of violations (each printed with its name).
    @discardableResult
    static func check(_ step: String, frames: FrameAllocator) -> Int {
        let current = Kernel.currentDomain
        return Kernel.inKernelHeap {
            let problems = self.problems(frames, current: current)
            checks += 1
            violations += problems.count
            for p in problems { print("  monitor VIOLATION after \(step): \(p)") }
            return problems.count
        }
    }

    /// What is wrong with the live kernel, with `current` the domain running. Called inside
    /// `inKernelHeap` (the domain running may be any: its heap must not change under the check,
    /// nor under the printing of what it found), where the kernel is current instead.
    /// The frame allocator's tags are checked only with `frames`: between self-test steps, not
    /// between LeafCore's transitions, since the platform's own steps (a thread's stack taken
    /// after LeafCore spawned it) fall between those.
    static func problems(_ frames: FrameAllocator?, current: DomainID) -> [String] {
        var problems: [String] = []
        do throws(AbstractionError) {
            var state = try specState()
            state.currentDomain = Int(current.raw)
            for invariant in state.brokenInvariants {
                problems.append("\(invariant.name) (\(invariant.summary)): broken in the abstraction of the live kernel")
            }
        } catch { problems.append("abstraction: \(error)") }
        var representation = Tables().representationProblems()
        if let frames { representation += platformAccounting(frames) }
        for p in representation { problems.append("representation: \(p)") }
        return problems
    }

    /// LeafCore's transition observer in the debug kernel: the same check after every
    /// transition (the first violations printed, all counted).
    static let afterEveryTransition: @convention(c) () -> Void = {
        Monitor.transitions += 1
        // The timer's preemption is checked together with the transition after it.
        if Threads.inTimerPreemption { Monitor.deferredTransitions += 1; return }
        let current = Kernel.currentDomain
        Kernel.inKernelHeap {
            for p in Monitor.problems(nil, current: current) {
                Monitor.transitionViolations += 1
                if Monitor.transitionViolations <= 20 { print("  monitor VIOLATION after transition \(Monitor.transitions): \(p)") }
            }
        }
    }

    /// The spec state of the live kernel, with a page slot for each private-heap page held
    /// (LeafCore counts pages; it does not name them) and room to spare, since building the
    /// image allocates in the kernel's own heap.
    static func specState() throws(AbstractionError) -> SpecState<Concrete> {
        var privatePages = 0
        for d in 0..<Kernel.domainSlotsInUse { privatePages += Kernel.pages(of: DomainID(UInt16(d))) }
        return try Abstraction.state(pages: privatePages + 64)
    }

    /// The rows of LeafCore's object table that the representation invariant reads.
    struct Tables {
        var objects: [ObjectEntry] = []
        var ids: [ObjectID] = []
        /// Each container's slots, by row (empty for rows that are not allocated containers).
        var slots: [[ObjectID]] = []
        var liveObjects = Kernel.liveObjects
        var charged: [Int] = []

        init() {
            let capacity = Kernel.configuration.objectCapacity
            for i in 0..<capacity {
                let e = Kernel.object(at: i)
                objects.append(e)
                ids.append(Kernel.objectID(at: i))
                slots.append(e.state != .free && e.isContainer ? Kernel.elements(ofContainerAt: i) : [])
            }
            for d in 0..<Kernel.domainSlotsInUse { charged.append(Kernel.objectsCharged(to: DomainID(UInt16(d)))) }
        }

        func representationProblems() -> [String] {
            var bad: [String] = []
            let rows = objects.count
            // Held rows, counted per container, against the slots that name them.
            var heldIn = [Int](repeating: 0, count: rows)
            var chargedRows = [Int](repeating: 0, count: charged.count)
            var allocated = 0
            for i in 0..<rows {
                let e = objects[i]
                if e.state == .free {
                    if e.owner != .kernel || e.parent != UInt32.max || e.borrows != 0 || e.payload != nil || e.type != 0 {
                        bad.append("free row \(i) keeps an owner, parent, borrows, payload or type")
                    }
                    continue
                }
                allocated += 1
                if Int(e.chargedTo.raw) < chargedRows.count { chargedRows[Int(e.chargedTo.raw)] += 1 }
                else { bad.append("row \(i) is charged to \(e.chargedTo), no domain") }
                if e.state == .held {
                    if Int(e.parent) < rows { heldIn[Int(e.parent)] += 1 } else { bad.append("held row \(i) names parent \(e.parent)") }
                }
            }
            for i in 0..<rows where objects[i].state != .free && objects[i].isContainer {
                var named = 0
                for element in slots[i] where element != .none {
                    named += 1
                    let x = Int(element.index)
                    guard x < rows, objects[x].state == .held, Int(objects[x].parent) == i, ids[x] == element else {
                        bad.append("container \(i) names \(element) in a slot, which it does not hold")
                        continue
                    }
                }
                if named != heldIn[i] { bad.append("container \(i) has \(named) filled slots, \(heldIn[i]) rows name it as parent") }
            }
            for i in 0..<rows where heldIn[i] > 0 && !(objects[i].state != .free && objects[i].isContainer) {
                bad.append("\(heldIn[i]) rows name row \(i) as parent, which is no allocated container")
            }
            if allocated != liveObjects { bad.append("\(allocated) allocated rows, liveObjects says \(liveObjects)") }
            for d in charged.indices where charged[d] != chargedRows[d] {
                bad.append("domain \(d) is charged \(charged[d]) objects, \(chargedRows[d]) rows are charged to it")
            }
            return bad
        }
    }

    /// The monitor is not vacuous: each mutant breaks one invariant in a copy of the live state
    /// (the spec image, or the tables), and the monitor must name that invariant. Returns the
    /// mutants it missed.
    static func selfCheck() -> [String] {
        let live: SpecState<Concrete>
        do throws(AbstractionError) { live = try specState() } catch { return ["the abstraction failed: \(error)"] }
        var missed: [String] = []
        func expectCaught(_ name: String, _ invariant: Invariant, _ mutate: (inout SpecState<Concrete>) -> Bool) {
            var s = live
            guard mutate(&s) else { missed.append("\(name): no state to mutate"); return }
            if !s.brokenInvariants.contains(invariant) { missed.append("\(name) (\(invariant.name))") }
        }
        let objects = 0..<live.bounds.objects
        expectCaught("a second running thread", .oneRunningThread) { s in
            guard let t = (0..<s.bounds.threads).first(where: { s.threadStatus[$0] != ThreadStatus.running.rawValue }) else { return false }
            s.threadStatus[t] = ThreadStatus.running.rawValue
            return true
        }
        expectCaught("a ready thread left off the run queue", .runQueueHoldsReadyThreads) { s in
            guard let t = (0..<s.bounds.threads).first(where: { s.threadStatus[$0] == ThreadStatus.blocked.rawValue
                                                                 || s.threadStatus[$0] == ThreadStatus.unused.rawValue }) else { return false }
            s.threadStatus[t] = ThreadStatus.ready.rawValue
            return true
        }
        expectCaught("the current domain not the running thread's", .currentDomainIsTopFrame) { s in
            s.currentDomain = s.currentDomain == 0 ? 1 : 0
            return true
        }
        expectCaught("an owned object's row lost", .objectCountsMatch) { s in
            guard let i = objects.first(where: { s.objectStatus[$0] == ObjectStatus.owned.rawValue && s.borrows[$0] == 0
                                                 && !s.isContainer[$0] }) else { return false }
            s.objectStatus[i] = ObjectStatus.free.rawValue
            s.owner[i] = Encoding.none
            return true
        }
        expectCaught("a domain owning objects marked crashed", .deadDomainsOwnNothing) { s in
            guard let i = objects.first(where: { s.objectStatus[$0] == ObjectStatus.owned.rawValue && s.owner[$0] > 0 }) else { return false }
            s.domainStatus[s.owner[i]] = DomainStatus.crashed.rawValue
            return true
        }
        expectCaught("a borrow not counted", .borrowsCountLendingFrames) { s in
            guard let i = objects.first(where: { s.objectStatus[$0] != ObjectStatus.free.rawValue }) else { return false }
            s.borrows[i] += 1
            return true
        }
        expectCaught("the kernel domain not live", .kernelAlwaysLive) { s in s.domainStatus[0] = DomainStatus.stopped.rawValue; return true }
        // The representation invariant: a container slot emptied behind its element's back.
        var tables = Tables()
        if let k = tables.slots.indices.first(where: { i in tables.slots[i].contains { $0 != .none } }),
           let slot = tables.slots[k].firstIndex(where: { $0 != .none }) {
            tables.slots[k][slot] = .none
            if tables.representationProblems().isEmpty { missed.append("a container slot emptied (representation)") }
        } else {
            missed.append("a container slot emptied: no container holds anything")
        }
        return missed
    }

    /// Bare-metal accounting: frames tagged as domain d's heap are exactly LeafCore's pages of
    /// d, shared-heap frames are the shared heap's pages, and nothing else is in use.
    static func platformAccounting(_ frames: FrameAllocator) -> [String] {
        var bad: [String] = []
        let domains = Kernel.domainSlotsInUse
        var privatePages = 0
        for raw in 0..<domains { privatePages += Kernel.pages(of: DomainID(UInt16(raw))) }
        if Kernel.pagesInUse != privatePages + Kernel.sharedHeapPages {
            bad.append("pagesInUse \(Kernel.pagesInUse) != private \(privatePages) + shared \(Kernel.sharedHeapPages)")
        }
        let tagged = frames.privateFrames(domains: domains)
        for raw in 0..<domains where tagged[raw] != Kernel.pages(of: DomainID(UInt16(raw))) {
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
