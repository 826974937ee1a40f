/// The state of the whole specification: the shared heap's object table, the domains, the
/// pages, the threads with their frame stacks, and the run queue. One struct for all four
/// machines, because their transitions cross (a crash unwinds threads and reclaims objects).
/// Tables are flat arrays over fixed universes (see `Bounds`); a frame is row `t * frames + f`.
public struct SpecState<L: Logic> {
    public let logic: L
    public let bounds: Bounds

    // The shared heap, one row per object slot.
    public var objectStatus: [L.Value]
    /// The owning domain of an owned object, else `none`.
    public var owner: [L.Value]
    /// The container holding a held object, else `none`.
    public var parent: [L.Value]
    /// How many frames lend the object to a callee.
    public var borrows: [L.Value]
    /// Whether the object is a container. Nests are one level deep (an element is a value,
    /// never a container: the invariants say so), so what lies in a container is exactly what
    /// names it as `parent`, and no ghost nesting relation is needed.
    public var isContainer: [L.Truth]

    // Domains.
    public var domainStatus: [L.Value]
    /// Objects each domain owns outright (elements of its containers are not counted).
    public var objectsOwned: [L.Value]
    /// Pages of each domain's private heap.
    public var pagesOwned: [L.Value]
    /// The domain that created each domain: with the kernel, the only one with authority over
    /// it (teardown, restart, and the threads that live in it).
    public var creator: [L.Value]

    // Pages of the private heaps: the owning domain, or `none` when free.
    public var pageOwner: [L.Value]

    // Threads.
    public var threadStatus: [L.Value]
    /// The domain a thread runs in when it has no frames.
    public var home: [L.Value]
    /// Frames on the thread's stack.
    public var depth: [L.Value]
    public var caller: [L.Value]
    public var callee: [L.Value]
    /// The object a frame lends to its callee, or `none`.
    public var lent: [L.Value]
    /// Ready threads, front first; slots at and past `runQueueLength` are `none`.
    public var runQueue: [L.Value]
    public var runQueueLength: L.Value
    public var currentThread: L.Value
    public var currentDomain: L.Value

    /// Where the range facts of a step's arithmetic go (the prover's no-overflow obligation);
    /// nil in a concrete run.
    public var ledger: Ledger<L>? = nil

    /// A state whose every cell comes from `value` or `truth`, given the cell's name
    /// (`"owner[2]"`, `"caller[1][0]"`): symbolic variables for the prover, a model's values
    /// for a counterexample.
    public init(bounds: Bounds, logic: L, value: (String) -> L.Value, truth: (String) -> L.Truth) {
        self.logic = logic
        self.bounds = bounds
        let o = bounds.objects, d = bounds.domains, t = bounds.threads, f = bounds.frames
        func row(_ name: String, _ n: Int) -> [L.Value] { (0..<n).map { value("\(name)[\($0)]") } }
        func frameRow(_ name: String) -> [L.Value] {
            (0..<t * f).map { value("\(name)[\($0 / f)][\($0 % f)]") }
        }
        objectStatus = row("objectStatus", o)
        owner = row("owner", o)
        parent = row("parent", o)
        borrows = row("borrows", o)
        isContainer = (0..<o).map { truth("isContainer[\($0)]") }
        domainStatus = row("domainStatus", d)
        objectsOwned = row("objectsOwned", d)
        pagesOwned = row("pagesOwned", d)
        creator = row("creator", d)
        pageOwner = row("pageOwner", bounds.pages)
        threadStatus = row("threadStatus", t)
        home = row("home", t)
        depth = row("depth", t)
        caller = frameRow("caller")
        callee = frameRow("callee")
        lent = frameRow("lent")
        runQueue = row("runQueue", t)
        runQueueLength = value("runQueueLength")
        currentThread = value("currentThread")
        currentDomain = value("currentDomain")
    }

    /// The state at boot: the kernel domain live, thread 0 running in it, everything else empty.
    public static func initial(bounds: Bounds, logic: L) -> SpecState<L> {
        let none = Encoding.none
        return SpecState(bounds: bounds, logic: logic, value: { name in
            switch name {
            case "domainStatus[0]": return logic.constant(DomainStatus.live.rawValue)
            case "threadStatus[0]": return logic.constant(ThreadStatus.running.rawValue)
            default: break
            }
            if name.hasPrefix("owner") || name.hasPrefix("parent") || name.hasPrefix("pageOwner")
                || name.hasPrefix("caller") || name.hasPrefix("callee") || name.hasPrefix("lent")
                || name.hasPrefix("runQueue[") {
                return logic.constant(none)
            }
            return logic.constant(0)
        }, truth: { _ in logic.truth(false) })
    }
}
