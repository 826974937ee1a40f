@_spi(Kernel) import LeafCore

/// The structural invariants of the kernel's tables, checked on the implementation itself.
/// Returns one line per violation (empty when all hold).
func kernelViolations(insideCall: Bool = false) -> [String] {
    var problems: [String] = []
    let capacity = Kernel.configuration.objectCapacity
    var owned = [Int](repeating: 0, count: Kernel.domainSlotsInUse)
    var charged = [Int](repeating: 0, count: Kernel.domainSlotsInUse)
    var live = 0
    // Borrow counts must equal the number of frames, over all threads, that lend the object.
    var lentBy: [ObjectID: UInt32] = [:]
    for t in 0..<Kernel.configuration.threadCapacity {
        for frame in Kernel.frames(of: ThreadID(UInt16(t))) {
            for i in 0..<frame.lentCount { lentBy[frame.lentObject(i), default: 0] += 1 }
            for d in [frame.caller, frame.callee] where !Kernel.state(of: d).isLive {
                problems.append("thread \(t) has a frame naming \(d), which is \(Kernel.state(of: d))")
            }
        }
    }
    for i in 0..<capacity {
        let e = Kernel.object(at: i)
        let id = Kernel.objectID(at: i)
        switch e.state {
        case .free:
            if e.borrows != 0 || e.parent != UInt32.max || e.payload != nil {
                problems.append("free \(id) has borrows, a parent or a payload")
            }
        case .owned:
            live += 1
            owned[Int(e.owner.raw)] += 1
            if !Kernel.state(of: e.owner).isLive { problems.append("\(id) is owned by \(e.owner), which is \(Kernel.state(of: e.owner))") }
        case .held:
            live += 1
            let parent = Kernel.object(at: Int(e.parent))
            if parent.state == .free || !Kernel.elements(ofContainerAt: Int(e.parent)).contains(id) {
                problems.append("held \(id) is not in a slot of its parent \(e.parent)")
            }
            // Acyclic: the chain of parents reaches an owned object.
            var cursor = e, steps = 0
            while cursor.state == .held && steps <= capacity { cursor = Kernel.object(at: Int(cursor.parent)); steps += 1 }
            if cursor.state != .owned { problems.append("\(id) is held by a chain that never reaches an owner") }
        }
        if e.state != .free {
            charged[Int(e.chargedTo.raw)] += 1
            if !Kernel.state(of: e.chargedTo).isLive { problems.append("\(id) is charged to \(e.chargedTo), which is \(Kernel.state(of: e.chargedTo))") }
            // Only roots are lent.
            if e.state == .held && e.borrows > 0 { problems.append("\(id) is held in a container and lent") }
        }
        if e.state != .free && e.borrows != lentBy[id, default: 0] {
            problems.append("\(id) has \(e.borrows) borrows but \(lentBy[id, default: 0]) frames lend it")
        }
        if !insideCall && e.borrows != 0 { problems.append("\(id) is borrowed outside any call") }
    }
    if live != Kernel.liveObjects { problems.append("\(live) objects in the table, \(Kernel.liveObjects) counted") }
    var privatePages = 0
    for raw in 0..<Kernel.domainSlotsInUse {
        let d = DomainID(UInt16(raw))
        if charged[raw] != Kernel.objectsCharged(to: d) {
            problems.append("\(d) is charged \(charged[raw]) objects, \(Kernel.objectsCharged(to: d)) counted")
        }
        if owned[raw] != Kernel.objectsOwned(by: d) {
            problems.append("\(d) owns \(owned[raw]) objects, \(Kernel.objectsOwned(by: d)) counted")
        }
        if !Kernel.state(of: d).isLive && Kernel.pages(of: d) != 0 { problems.append("dead \(d) holds \(Kernel.pages(of: d)) pages") }
        privatePages += Kernel.pages(of: d)
    }
    if Kernel.pagesInUse != privatePages + Kernel.sharedHeapPages {
        problems.append("\(Kernel.pagesInUse) pages in use, \(privatePages) private + \(Kernel.sharedHeapPages) shared")
    }
    // Scheduler: one running thread, the current one; the run queue holds exactly the ready ones.
    var running: [Int] = [], ready: Set<UInt16> = []
    for t in 0..<Kernel.configuration.threadCapacity {
        switch Kernel.state(of: ThreadID(UInt16(t))) {
        case .running: running.append(t)
        case .ready: ready.insert(UInt16(t))
        default: break
        }
    }
    if running != [Int(Kernel.currentThread.raw)] { problems.append("running threads \(running), current \(Kernel.currentThread)") }
    let queue = Kernel.runQueue.map(\.raw)
    if Set(queue) != ready || queue.count != ready.count { problems.append("run queue \(queue) but ready \(ready.sorted())") }
    if !insideCall {
        for t in 0..<Kernel.configuration.threadCapacity where !Kernel.frames(of: ThreadID(UInt16(t))).isEmpty {
            problems.append("thread \(t) has frames outside any call")
        }
    }
    return problems
}
