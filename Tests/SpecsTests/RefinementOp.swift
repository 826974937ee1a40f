/// One step of a refinement sequence, decoded from a random number so that shrinking the
/// numbers shrinks the steps. Object, domain, thread and page operands are table rows; rows
/// that name nothing are part of the test (both sides must refuse them alike).
enum RefinementOp: Equatable, CustomStringConvertible {
    case alloc(container: Bool)
    case drop(object: Int)
    case put(element: Int, container: Int)
    case take(container: Int)
    case call(domain: Int)
    case callLending(domain: Int, object: Int)
    case callMoving(domain: Int, object: Int)
    case callMaking(domain: Int)
    /// A call moving `object` in that returns it (the callee's `exchange`): a consuming argument
    /// and a consuming result, which moves back only if the callee still owns it, unlent.
    case callExchanging(domain: Int, object: Int)
    /// Returns from the innermost call the sequence opened (nothing at top level).
    case ret
    case trap(domain: Int)
    case createDomain
    case tearDown(domain: Int)
    case restart(domain: Int)
    case spawn(home: Int)
    case exit(thread: Int)
    case block
    case wake(thread: Int)
    case yield
    case preempt
    case allocPage
    case freePage(page: Int)
    /// A step that names object `object` by an earlier generation of its row (a reference kept
    /// past the object's end): drop, put, lend or move. Both sides must refuse it, and nothing
    /// may change.
    case stale(StaleUse, object: Int, other: Int)

    init(_ raw: UInt32, objects: Int, domains: Int, threads: Int, pages: Int) {
        let a = Int(raw >> 8)
        let object = a % objects, other = (a / objects) % objects
        let domain = a % domains, thread = a % threads
        switch raw % 40 {
        case 0...3: self = .alloc(container: a % 3 == 0)
        case 4...5: self = .drop(object: object)
        case 6...8: self = .put(element: object, container: other)
        case 9...10: self = .take(container: object)
        case 11...12: self = .call(domain: domain)
        case 13...14: self = .callLending(domain: domain, object: (a / domains) % objects)
        case 15...16: self = .callMoving(domain: domain, object: (a / domains) % objects)
        case 17: self = .callMaking(domain: domain)
        case 18: self = .callExchanging(domain: domain, object: (a / domains) % objects)
        case 19...22: self = .ret
        case 23...24: self = .trap(domain: domain)
        case 25...26: self = .createDomain
        case 27: self = .tearDown(domain: domain)
        case 28: self = .restart(domain: domain)
        case 29...30: self = .spawn(home: domain)
        case 31: self = .exit(thread: thread)
        case 32: self = .block
        case 33: self = .wake(thread: thread)
        case 34: self = .yield
        case 35: self = .preempt
        case 36...37: self = .allocPage
        case 38: self = .freePage(page: a % pages)
        default: self = .stale(StaleUse.allCases[(a / (objects * objects)) % StaleUse.allCases.count], object: object, other: other)
        }
    }

    /// Scheduling steps switch threads, which the host cannot do with calls open on its stack.
    var switchesThreads: Bool {
        switch self {
        case .spawn, .exit, .block, .wake, .yield, .preempt: true
        default: false
        }
    }

    var description: String {
        switch self {
        case .alloc(let c): c ? "alloc container" : "alloc value"
        case .drop(let o): "drop o\(o)"
        case .put(let e, let c): "put o\(e) into o\(c)"
        case .take(let c): "take from o\(c)"
        case .call(let d): "call d\(d)"
        case .callLending(let d, let o): "call d\(d) lending o\(o)"
        case .callMoving(let d, let o): "call d\(d) moving o\(o)"
        case .callMaking(let d): "call d\(d).make"
        case .callExchanging(let d, let o): "call d\(d).exchange moving o\(o)"
        case .ret: "return"
        case .trap(let d): "trap in d\(d)"
        case .createDomain: "create domain"
        case .tearDown(let d): "teardown d\(d)"
        case .restart(let d): "restart d\(d)"
        case .spawn(let h): "spawn thread in d\(h)"
        case .exit(let t): "exit t\(t)"
        case .block: "block"
        case .wake(let t): "wake t\(t)"
        case .yield: "yield"
        case .preempt: "preempt"
        case .allocPage: "alloc page"
        case .freePage(let p): "free page p\(p)"
        case .stale(let use, let o, let other): "\(use) stale o\(o) (with o\(other) / d\(other))"
        }
    }
}

/// What a stale-reference step does with the reference.
enum StaleUse: CaseIterable, CustomStringConvertible {
    case drop, put, lend, move
    var description: String {
        switch self {
        case .drop: "drop"
        case .put: "put"
        case .lend: "lend"
        case .move: "move"
        }
    }
}
