import CLeafKernel
import LeafCore

/// The runtime invariant monitor: after each self-test step it checks the live kernel state.
///
/// Until Sources/LeafAbstraction (the abstraction function the host refinement tests use) and
/// Specs compile for the Embedded target, the invariants are checked here directly through
/// LeafCore's public API, one named check per invariant, so that each failure says which one.
/// The platform adds what only bare metal can see: the frame allocator's per-frame tags must
/// agree with LeafCore's page accounting, domain by domain.
enum Monitor {
    nonisolated(unsafe) static var checks = 0
    nonisolated(unsafe) static var violations = 0
    /// Frames in use right after Kernel.boot (image metadata, LeafCore's tables).
    nonisolated(unsafe) static var baselineFrames = 0

    /// Checks every invariant; returns the violations found (printed).
    @discardableResult
    static func check(_ step: String, frames: FrameAllocator) -> Int {
        var problems: [String] = []
        func expect(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { problems.append(what()) } }

        let c = Kernel.configuration
        let domainCount = Kernel.domainSlotsInUse
        var owned = [Int](repeating: 0, count: domainCount)
        var liveRows = 0
        var borrowsExpected = [UInt32](repeating: 0, count: c.objectCapacity)

        // Borrows: every lent object is counted once per frame lending it, on every thread.
        for t in 0..<c.threadCapacity {
            let s = Kernel.state(of: ThreadID(UInt16(t)))
            guard s != .unused && s != .exited else { continue }
            let fs = Kernel.frames(of: ThreadID(UInt16(t)))
            for (i, f) in fs.enumerated() {
                // Frames chain: each call starts where the previous one entered.
                if i == 0 { expect(f.caller == Kernel.home(of: ThreadID(UInt16(t))), "frame 0 of thread \(t) starts outside its home") }
                else { expect(f.caller == fs[i - 1].callee, "frames of thread \(t) do not chain at depth \(i)") }
                expect(Kernel.state(of: f.callee) == .live, "thread \(t) is inside \(f.callee), which is not live")
                for j in 0..<f.lentCount {
                    let id = f.lentObject(j)
                    if Int(id.index) < c.objectCapacity { borrowsExpected[Int(id.index)] += 1 }
                }
            }
        }

        for i in 0..<c.objectCapacity {
            let e = Kernel.object(at: i)
            if e.state == .free {
                expect(e.borrows == 0, "free object row \(i) has borrows")
                continue
            }
            liveRows += 1
            expect(e.payload != nil, "object row \(i) has no payload")
            expect(e.borrows == borrowsExpected[i], "object row \(i) has \(e.borrows) borrows, frames lend it \(borrowsExpected[i]) times")
            switch e.state {
            case .owned:
                let d = Int(e.owner.raw)
                expect(d < domainCount, "object row \(i) is owned by a domain that never existed")
                if d < domainCount {
                    owned[d] += 1
                    expect(Kernel.state(of: e.owner) == .live, "object row \(i) is owned by \(e.owner), which is \(Kernel.state(of: e.owner))")
                }
            case .held:
                let p = Int(e.parent)
                expect(p < c.objectCapacity && Kernel.object(at: p).state != .free, "object row \(i) is held by a free or missing container")
                if p < c.objectCapacity {
                    let slots = Kernel.elements(ofContainerAt: p)
                    let me = Kernel.objectID(at: i)
                    expect(slots.filter { $0 == me }.count == 1, "object row \(i) is not in exactly one slot of its container \(p)")
                }
                // No cycles: the chain of containers ends at an owned object.
                var cursor = i
                var steps = 0
                while Kernel.object(at: cursor).state == .held && steps <= c.objectCapacity {
                    cursor = Int(Kernel.object(at: cursor).parent)
                    steps += 1
                    if cursor >= c.objectCapacity { break }
                }
                expect(steps <= c.objectCapacity && cursor < c.objectCapacity, "object row \(i) is in a cycle of containers")
            case .free:
                break
            }
            if Kernel.descriptor(of: e.type).kind == .container {
                for element in Kernel.elements(ofContainerAt: i) where element != .none {
                    let x = Kernel.object(at: Int(element.index))
                    expect(x.state == .held && Int(x.parent) == i && x.generation == element.generation,
                           "container row \(i) names \(element), which it does not hold")
                }
            }
        }
        expect(liveRows == Kernel.liveObjects, "object table has \(liveRows) live rows, liveObjects says \(Kernel.liveObjects)")

        var privatePages = 0
        let tagged = frames.privateFrames(domains: domainCount)
        for raw in 0..<domainCount {
            let d = DomainID(UInt16(raw))
            let s = Kernel.state(of: d)
            expect(owned[raw] == Kernel.objectsOwned(by: d), "\(d) owns \(owned[raw]) objects, objectsOwned says \(Kernel.objectsOwned(by: d))")
            if s != .live {
                expect(Kernel.objectsOwned(by: d) == 0, "\(d) is \(s) but owns objects")
                expect(Kernel.pages(of: d) == 0, "\(d) is \(s) but holds \(Kernel.pages(of: d)) private pages")
            }
            privatePages += Kernel.pages(of: d)
            expect(tagged[raw] == Kernel.pages(of: d), "\(d): \(tagged[raw]) frames tagged as its heap, LeafCore accounts \(Kernel.pages(of: d))")
        }
        expect(Kernel.state(of: .kernel) == .live, "the kernel domain is not live")
        expect(Kernel.pagesInUse == privatePages + Kernel.sharedHeapPages,
               "pagesInUse \(Kernel.pagesInUse) != private \(privatePages) + shared \(Kernel.sharedHeapPages)")
        expect(frames.frames(tagged: FrameAllocator.Tag.shared) == Kernel.sharedHeapPages,
               "\(frames.frames(tagged: FrameAllocator.Tag.shared)) frames tagged shared, shared heap has \(Kernel.sharedHeapPages)")
        expect(frames.usedFrames == baselineFrames + Kernel.pagesInUse + Threads.stackFramesInUse,
               "frames in use \(frames.usedFrames) != baseline \(baselineFrames) + pages \(Kernel.pagesInUse) + stacks \(Threads.stackFramesInUse)")
        expect(frames.doubleFrees == 0, "\(frames.doubleFrees) frames freed twice or never allocated")

        // Threads: one running (the one LeafCore says), the run queue holds each ready thread once.
        let queue = Kernel.runQueue
        var running = 0
        for t in 0..<c.threadCapacity {
            let id = ThreadID(UInt16(t))
            let s = Kernel.state(of: id)
            if s == .running { running += 1; expect(id == Kernel.runningThread, "\(id) is running but is not the running thread") }
            let inQueue = queue.filter { $0 == id }.count
            expect(inQueue == (s == .ready ? 1 : 0), "\(id) is \(s) and appears \(inQueue) times in the run queue")
        }
        expect(running == 1, "\(running) threads are running")
        expect(Kernel.currentDomain == .kernel, "a checkpoint runs in \(Kernel.currentDomain), not the kernel")

        checks += 1
        violations += problems.count
        for p in problems { print("  monitor VIOLATION after \(step): \(p)") }
        return problems.count
    }
}
