@_spi(Kernel) import LeafCore
import Specs

/// Why LeafCore's tables have no image in the specification's state.
public enum AbstractionError: Error, Equatable, CustomStringConvertible {
    /// A frame lends more objects than the spec's one lent slot per frame.
    case frameLendsSeveral(thread: Int, frame: Int, count: Int)
    /// More private-heap pages are held than the spec's page universe has.
    case tooManyPages(held: Int, universe: Int)

    public var description: String {
        switch self {
        case .frameLendsSeveral(let t, let f, let n): "frame \(f) of thread \(t) lends \(n) objects; the specification models one"
        case .tooManyPages(let held, let universe): "\(held) private-heap pages are held; the specification has \(universe)"
        }
    }
}

/// The abstraction function: LeafCore's live tables, read through its public accessors, as a
/// state of the specification. The one place it is written: the refinement tests compare it
/// with the spec after every step, and the kernel's runtime monitor checks the invariants on it.
public enum Abstraction {
    /// The spec's universes for the running kernel's configuration, with `pages` page slots
    /// (LeafCore counts pages per domain; it does not name them).
    public static func bounds(pages: Int) -> Bounds {
        let c = Kernel.configuration
        return Bounds(objects: c.objectCapacity, domains: c.domainCapacity, threads: c.threadCapacity,
                      frames: c.frameDepth, pages: pages)
    }

    /// The spec state of the running kernel. Pages are named canonically (domain 0's first);
    /// compare page counts, not page identities, with a spec run.
    public static func state(pages: Int) throws(AbstractionError) -> SpecState<Concrete> {
        let b = bounds(pages: pages)
        var s = SpecState.initial(bounds: b, logic: Concrete())
        let none = Encoding.none

        for i in 0..<b.objects {
            let e = Kernel.object(at: i)
            switch e.state {
            case .free:
                s.objectStatus[i] = ObjectStatus.free.rawValue
            case .owned:
                s.objectStatus[i] = ObjectStatus.owned.rawValue
                s.owner[i] = Int(e.owner.raw)
            case .held:
                s.objectStatus[i] = ObjectStatus.held.rawValue
                s.parent[i] = Int(e.parent)
            }
            if e.state != .free {
                s.borrows[i] = Int(e.borrows)
                s.isContainer[i] = e.isContainer
            }
        }

        var pagesHeld = 0
        for d in 0..<b.domains {
            let id = DomainID(UInt16(d))
            s.domainStatus[d] = Int(Kernel.state(of: id).rawValue)
            s.objectsOwned[d] = Kernel.objectsOwned(by: id)
            s.pagesOwned[d] = Kernel.pages(of: id)
            s.creator[d] = Int(Kernel.creator(of: id).raw)
            for _ in 0..<s.pagesOwned[d] {
                guard pagesHeld < b.pages else { throw .tooManyPages(held: pagesHeld + 1, universe: b.pages) }
                s.pageOwner[pagesHeld] = d
                pagesHeld += 1
            }
        }

        for t in 0..<b.threads {
            let id = ThreadID(UInt16(t))
            s.threadStatus[t] = Int(Kernel.state(of: id).rawValue)
            s.home[t] = Int(Kernel.home(of: id).raw)
            let frames = Kernel.frames(of: id)
            s.depth[t] = frames.count
            for (f, frame) in frames.enumerated() {
                let k = t * b.frames + f
                s.caller[k] = Int(frame.caller.raw)
                s.callee[k] = Int(frame.callee.raw)
                guard frame.lentCount <= 1 else { throw .frameLendsSeveral(thread: t, frame: f, count: frame.lentCount) }
                if frame.lentCount == 1 {
                    // A lent object reclaimed since (its generation moved on) is lent no more.
                    let id = frame.lentObject(0)
                    let row = Int(id.index)
                    let e = Kernel.object(at: row)
                    s.lent[k] = e.generation == id.generation && e.state != .free ? row : none
                }
            }
        }
        let queue = Kernel.runQueue
        for (i, t) in queue.enumerated() where i < b.threads {
            s.runQueue[i] = Int(t.raw)
            if Int(t.raw) < b.threads { s.queueSlot[Int(t.raw)] = i }
        }
        s.runQueueLength = queue.count
        s.currentThread = Int(Kernel.runningThread.raw)
        s.currentDomain = Int(Kernel.currentDomain.raw)
        return s
    }
}
