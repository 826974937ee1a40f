/// The state of the whole specification: the shared heap's object table, the domains, the
/// pages, the threads with their frame stacks, and the run queue. One struct for all four
/// machines, because their transitions cross (a crash unwinds threads and reclaims objects).
/// Tables are flat arrays over fixed universes (see `Bounds`); a frame is row `t * frames + f`.
public struct SpecState<L: Logic> {
    public let logic: L
    public let bounds: Bounds

    // The shared heap, one row per object slot.
    public var objectStatus: L.Table
    /// The owning domain of an owned object, else `none`.
    public var owner: L.Table
    /// The container holding a held object, else `none`.
    public var parent: L.Table
    /// How many frames lend the object to a callee.
    public var borrows: L.Table
    /// Whether the object is a container. Nests are one level deep (an element is a value,
    /// never a container: the invariants say so), so what lies in a container is exactly what
    /// names it as `parent`, and no ghost nesting relation is needed.
    public var isContainer: L.Flags

    // Domains.
    public var domainStatus: L.Table
    /// Objects each domain owns outright (elements of its containers are not counted).
    public var objectsOwned: L.Table
    /// Pages of each domain's private heap.
    public var pagesOwned: L.Table
    /// The domain that created each domain: with the kernel, the only one with authority over
    /// it (teardown, restart, and the threads that live in it).
    public var creator: L.Table

    // Pages of the private heaps: the owning domain, or `none` when free.
    public var pageOwner: L.Table

    // Threads.
    public var threadStatus: L.Table
    /// The domain a thread runs in when it has no frames.
    public var home: L.Table
    /// Frames on the thread's stack.
    public var depth: L.Table
    public var caller: L.Table
    public var callee: L.Table
    /// The object a frame lends to its callee, or `none`.
    public var lent: L.Table
    /// Ready threads, front first; slots at and past `runQueueLength` are `none`.
    public var runQueue: L.Table
    public var runQueueLength: L.Value
    /// Ghost: the slot of each queued thread, else `none` (a function of the queue, kept so that
    /// a ready thread's place is named rather than searched for: the unbounded proofs need it).
    public var queueSlot: L.Table
    public var currentThread: L.Value
    public var currentDomain: L.Value

    /// Where the range facts of a step's arithmetic go (the prover's no-overflow obligation);
    /// nil in a concrete run.
    public var ledger: Ledger<L>? = nil

    /// A state whose tables come from `table` and `flags` (given the table and its rows, and for
    /// a frame table its columns) and whose scalars from `scalar`.
    public init(bounds: Bounds, logic: L, table: (Cell.Table, Int, Int?) -> L.Table, flags: (Cell.Table, Int) -> L.Flags,
                scalar: (Cell.Table) -> L.Value) {
        self.logic = logic
        self.bounds = bounds
        let o = bounds.objects, d = bounds.domains, t = bounds.threads, f = bounds.frames
        func row(_ name: Cell.Table, _ n: Int) -> L.Table { table(name, n, nil) }
        func frameRow(_ name: Cell.Table) -> L.Table { table(name, t, f) }
        objectStatus = row(.objectStatus, o)
        owner = row(.owner, o)
        parent = row(.parent, o)
        borrows = row(.borrows, o)
        isContainer = flags(.isContainer, o)
        domainStatus = row(.domainStatus, d)
        objectsOwned = row(.objectsOwned, d)
        pagesOwned = row(.pagesOwned, d)
        creator = row(.creator, d)
        pageOwner = row(.pageOwner, bounds.pages)
        threadStatus = row(.threadStatus, t)
        home = row(.home, t)
        depth = row(.depth, t)
        caller = frameRow(.caller)
        callee = frameRow(.callee)
        lent = frameRow(.lent)
        runQueue = row(.runQueue, t)
        runQueueLength = scalar(.runQueueLength)
        queueSlot = row(.queueSlot, t)
        currentThread = scalar(.currentThread)
        currentDomain = scalar(.currentDomain)
    }
}

extension SpecState where L: BoundedLogic {
    /// A state whose every cell comes from `value` or `truth`, given the cell (its `name` is
    /// `"owner[2]"`, `"caller[1][0]"`): symbolic variables for the prover, a model's values for
    /// a counterexample, constants for the initial state.
    public init(bounds: Bounds, logic: L, value: (Cell) -> L.Value, truth: (Cell) -> L.Truth) {
        self.init(bounds: bounds, logic: logic, table: { name, rows, columns in
            if let columns { return (0..<rows * columns).map { value(Cell(name, $0 / columns, frame: $0 % columns)) } }
            return (0..<rows).map { value(Cell(name, $0)) }
        }, flags: { name, rows in (0..<rows).map { truth(Cell(name, $0)) } }, scalar: { value(Cell($0)) })
    }

}

extension SpecState {
    /// The state at boot: the kernel domain live, thread 0 running in it, everything else empty.
    public static func initial(bounds: Bounds, logic: L) -> SpecState<L> {
        let none = logic.constant(Encoding.none), zero = logic.constant(0)
        return SpecState(bounds: bounds, logic: logic, table: { name, rows, columns in
            if let columns { return logic.tabulate(threads: rows, frames: columns) { _, _ in none } }
            return logic.tabulate(name.universe, rows: rows) { i in
                switch name {
                case .domainStatus: logic.choose(logic.equal(i, zero), logic.constant(DomainStatus.live.rawValue), zero)
                case .threadStatus: logic.choose(logic.equal(i, zero), logic.constant(ThreadStatus.running.rawValue), zero)
                case .owner, .parent, .pageOwner, .runQueue, .queueSlot: none
                default: zero
                }
            }
        }, flags: { name, rows in logic.flags(name.universe, rows: rows) { _ in logic.truth(false) } }, scalar: { _ in zero })
    }
}

/// One cell of a state's tables: a row (and, in a frame table, the frame) of one table, or a
/// scalar. Its name is formed only when asked for (the prover's variables), so that building a
/// concrete state (the monitor's, after every transition) formats no strings.
public struct Cell {
    public enum Table {
        case objectStatus, owner, parent, borrows, isContainer
        case domainStatus, objectsOwned, pagesOwned, creator, pageOwner
        case threadStatus, home, depth, caller, callee, lent, runQueue, queueSlot
        case runQueueLength, currentThread, currentDomain

        /// The universe of the table's rows (a frame table's: threads), or of a scalar's value.
        public var universe: Universe {
            switch self {
            case .objectStatus, .owner, .parent, .borrows, .isContainer: .objects
            case .domainStatus, .objectsOwned, .pagesOwned, .creator, .currentDomain: .domains
            case .pageOwner: .pages
            case .threadStatus, .home, .depth, .caller, .callee, .lent, .runQueue, .queueSlot, .runQueueLength, .currentThread: .threads
            }
        }

        public var name: String {
            switch self {
            case .objectStatus: "objectStatus"
            case .owner: "owner"
            case .parent: "parent"
            case .borrows: "borrows"
            case .isContainer: "isContainer"
            case .domainStatus: "domainStatus"
            case .objectsOwned: "objectsOwned"
            case .pagesOwned: "pagesOwned"
            case .creator: "creator"
            case .pageOwner: "pageOwner"
            case .threadStatus: "threadStatus"
            case .home: "home"
            case .depth: "depth"
            case .caller: "caller"
            case .callee: "callee"
            case .lent: "lent"
            case .runQueue: "runQueue"
            case .queueSlot: "queueSlot"
            case .runQueueLength: "runQueueLength"
            case .currentThread: "currentThread"
            case .currentDomain: "currentDomain"
            }
        }
    }

    public let table: Table
    /// The row (the thread, in a frame table); nil for a scalar.
    public let row: Int?
    public let frame: Int?

    init(_ table: Table, _ row: Int? = nil, frame: Int? = nil) {
        self.table = table
        self.row = row
        self.frame = frame
    }

    public var name: String {
        var text = table.name
        if let row { text += "[\(row)]" }
        if let frame { text += "[\(frame)]" }
        return text
    }
}
