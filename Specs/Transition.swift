/// The four state machines the specification is made of.
public enum Machine: Int, CaseIterable, Sendable {
    case heap, domains, threads, pages
    public var name: String {
        switch self {
        case .heap: "heap"
        case .domains: "domains"
        case .threads: "threads"
        case .pages: "pages"
        }
    }
}

/// What a transition's argument names.
public enum ParameterKind: Sendable {
    case object, domain, thread, page
    /// 0 or 1.
    case flag
}

public struct Parameter: Sendable {
    public let name: String
    public let kind: ParameterKind
    init(_ name: String, _ kind: ParameterKind) { self.name = name; self.kind = kind }
}

/// Every transition of the specification, with its arguments, for the prover's table, the
/// mutant catalogue and the refinement tests.
public enum Transition: Int, CaseIterable, Sendable {
    case alloc, drop, move, put, take
    case createDomain, call, callLending, callMoving, ret, retMoving, crash, tearDown, restart
    case spawn, exit, block, wake, yield, preempt
    case allocPage, freePage

    public var name: String {
        switch self {
        case .alloc: "alloc"
        case .drop: "drop"
        case .move: "move"
        case .put: "put"
        case .take: "take"
        case .createDomain: "create"
        case .call: "call"
        case .callLending: "call-lend"
        case .callMoving: "call-move"
        case .ret: "return"
        case .retMoving: "return-move"
        case .crash: "crash"
        case .tearDown: "teardown"
        case .restart: "restart"
        case .spawn: "spawn"
        case .exit: "exit"
        case .block: "block"
        case .wake: "wake"
        case .yield: "yield"
        case .preempt: "preempt"
        case .allocPage: "page-alloc"
        case .freePage: "page-free"
        }
    }

    public var machine: Machine {
        switch self {
        case .alloc, .drop, .move, .put, .take: .heap
        case .createDomain, .call, .callLending, .callMoving, .ret, .retMoving, .crash, .tearDown, .restart: .domains
        case .spawn, .exit, .block, .wake, .yield, .preempt: .threads
        case .allocPage, .freePage: .pages
        }
    }

    public var parameters: [Parameter] {
        switch self {
        case .alloc: [Parameter("object", .object), Parameter("container", .flag)]
        case .drop, .retMoving: [Parameter("object", .object)]
        case .move: [Parameter("object", .object), Parameter("to", .domain)]
        case .put: [Parameter("element", .object), Parameter("container", .object)]
        case .take: [Parameter("element", .object)]
        case .createDomain, .crash, .tearDown, .restart: [Parameter("domain", .domain)]
        case .call: [Parameter("callee", .domain)]
        case .callLending, .callMoving: [Parameter("callee", .domain), Parameter("object", .object)]
        case .ret, .block, .yield, .preempt: []
        case .spawn: [Parameter("thread", .thread), Parameter("home", .domain)]
        case .exit, .wake: [Parameter("thread", .thread)]
        case .allocPage, .freePage: [Parameter("page", .page)]
        }
    }

    /// The transition applied to `state` with `arguments` (one per parameter), with `mutant`
    /// planted if it belongs to this transition.
    public func step<L: Logic>(_ state: SpecState<L>, _ arguments: [L.Value], mutant: Mutant = .none) -> Step<L> {
        let m = mutant.transition == self ? mutant : .none
        let a = arguments
        let s = state
        switch self {
        case .alloc: return s.alloc(object: a[0], container: a[1], mutant: m)
        case .drop: return s.drop(object: a[0], mutant: m)
        case .move: return s.move(object: a[0], to: a[1], mutant: m)
        case .put: return s.put(element: a[0], into: a[1], mutant: m)
        case .take: return s.take(element: a[0], mutant: m)
        case .createDomain: return s.createDomain(a[0], mutant: m)
        case .call: return s.call(a[0], mutant: m)
        case .callLending: return s.callLending(a[0], object: a[1], mutant: m)
        case .callMoving: return s.callMoving(a[0], object: a[1], mutant: m)
        case .ret: return s.ret(mutant: m)
        case .retMoving: return s.retMoving(object: a[0], mutant: m)
        case .crash: return s.crash(a[0], mutant: m)
        case .tearDown: return s.tearDown(a[0], mutant: m)
        case .restart: return s.restart(a[0], mutant: m)
        case .spawn: return s.spawn(a[0], home: a[1], mutant: m)
        case .exit: return s.exit(a[0], mutant: m)
        case .block: return s.block(mutant: m)
        case .wake: return s.wake(a[0], mutant: m)
        case .yield: return s.yield(mutant: m)
        case .preempt: return s.preempt(mutant: m)
        case .allocPage: return s.allocPage(a[0], mutant: m)
        case .freePage: return s.freePage(a[0], mutant: m)
        }
    }
}

extension SpecState where L == Concrete {
    /// Runs a transition: the state after it, or nil when its guard refuses it.
    public func applying(_ t: Transition, _ arguments: [Int], mutant: Mutant = .none) -> SpecState? {
        let s = t.step(self, arguments, mutant: mutant)
        return s.allowed ? s.after : nil
    }
}
