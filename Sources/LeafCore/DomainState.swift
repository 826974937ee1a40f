public enum DomainState: UInt8, Sendable, CustomStringConvertible {
    /// Slot never used.
    case unused
    case live
    /// Trapped; torn down; calls fail until it is restarted.
    case crashed
    /// Torn down on request; can be restarted.
    case stopped

    public var isLive: Bool { self == .live }
    public var description: String {
        switch self {
        case .unused: "unused"
        case .live: "live"
        case .crashed: "crashed"
        case .stopped: "stopped"
        }
    }
}

/// A fault a domain is made to take (`Kernel.injectFault`).
@_spi(Kernel) public enum InjectedFault: UInt8, Sendable, CustomStringConvertible {
    case none
    /// `ud2`, as a failed Swift check.
    case trap
    /// A division by zero.
    case exception

    public var description: String {
        switch self {
        case .none: "none"
        case .trap: "trap"
        case .exception: "CPU exception"
        }
    }
}

/// A refused domain, thread or shared-heap operation.
public enum KernelError: Error, Equatable, CustomStringConvertible, Sendable {
    case noSuchDomain(DomainID)
    case domainNotLive(DomainID, DomainState)
    case domainAlreadyLive(DomainID)
    case kernelDomain
    /// The domain has frames on a thread's stack; it can only go away by crashing.
    case domainInUse(DomainID)
    case tooManyDomains
    case noSuchThread(ThreadID)
    case threadNotInState(ThreadID, ThreadState)
    case tooManyThreads
    case outOfMemory
    case objectTableFull
    /// The current domain has no authority over the domain (only the kernel and its creator do).
    case notPermitted(actor: DomainID, target: DomainID)
    /// A container's capacity must be 1 ... 65536.
    case badCapacity(Int)
    /// The domain has used up its quota of the resource.
    case quotaExceeded(DomainID, QuotaResource)
    /// A restart could not run the domain's entry (the call into it was refused): the domain
    /// stays down.
    case entryDidNotRun(DomainID, RpcError)

    public var description: String {
        switch self {
        case .noSuchDomain(let d): "no such domain: \(d)"
        case .domainNotLive(let d, let s): "\(d) is not live (it is \(s))"
        case .domainAlreadyLive(let d): "\(d) is already live; only a crashed or stopped domain can be restarted"
        case .kernelDomain: "the kernel domain cannot be torn down or restarted"
        case .domainInUse(let d): "\(d) has frames on a thread's stack and cannot be torn down or restarted now"
        case .tooManyDomains: "the domain table is full"
        case .noSuchThread(let t): "no such thread: \(t)"
        case .threadNotInState(let t, let s): "\(t) is not \(s)"
        case .tooManyThreads: "the thread table is full"
        case .outOfMemory: "out of memory"
        case .objectTableFull: "the shared-heap object table is full"
        case .badCapacity(let n): "a container of \(n) slots: the capacity must be 1 to 65536"
        case .quotaExceeded(let d, let resource): "\(d) has used up its quota of \(resource)"
        case .entryDidNotRun(let d, let why): "\(d) stays down: its entry could not run (\(why))"
        case .notPermitted(let actor, let target): "\(actor) may not change \(target): only the kernel and the domain's creator may"
        }
    }
}

/// What a domain quota limits.
public enum QuotaResource: Sendable, CustomStringConvertible {
    case objects, pages
    public var description: String {
        switch self {
        case .objects: "shared-heap objects"
        case .pages: "private-heap pages"
        }
    }
}

/// A refused access through a shared-heap reference.
public enum AccessError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The object was dropped or reclaimed since this reference was made.
    case stale(ObjectID)
    /// Another domain owns the object (or it is held inside a container).
    case notOwner(ObjectID, owner: DomainID, accessor: DomainID)
    /// The object, or the container holding it, is lent to a callee for the duration of a call
    /// and cannot change or change hands.
    case borrowed(ObjectID)
    /// The reference's type is not the object's type (types are identities, not layouts).
    case typeMismatch(ObjectID)
    /// A container slot is out of range, empty or already full.
    case badSlot(ObjectID, Int)
    /// The container has no free slot.
    case full(ObjectID)
    /// An element index outside the object's array payload.
    case badElement(ObjectID, Int)

    public var description: String {
        switch self {
        case .stale(let o): "\(o) no longer exists (moved into a reclaimed domain or dropped)"
        case .notOwner(let o, let owner, let accessor): "\(o) belongs to \(owner), not to \(accessor)"
        case .borrowed(let o): "\(o) is lent to a callee, or held in a container that is: until the call returns it cannot be written, moved, dropped, or have elements put in or taken out"
        case .typeMismatch(let o): "\(o) is not of the reference's type"
        case .badSlot(let o, let i): "slot \(i) of container \(o) is out of range or in the wrong state"
        case .full(let o): "container \(o) is full"
        case .badElement(let id, let index): "element \(index) is outside the array payload of \(id)"
        }
    }
}
