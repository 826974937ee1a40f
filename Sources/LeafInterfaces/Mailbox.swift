import LeafSDK

/// A request a mailbox domain queues: small and Exchangeable, so it lives in RRefs.
public struct Request: Exchangeable, Sendable, Equatable {
    public var tag: UInt32
    public var payload: Int
    public static var exchangeableTypeID: UInt64 { 0x65cb_03e6_5241_0932 }   // FNV-1a of "LeafInterfaces.Request"
    public init(tag: UInt32, payload: Int) {
        self.tag = tag
        self.payload = payload
    }
}

/// What a mailbox reports about itself: a struct copied back whole.
public struct MailboxStatus: BitwiseCopyable, Sendable, Equatable {
    public var queued: Int
    public var delivered: Int
    public var hasPeer: Bool
    public init(queued: Int, delivered: Int, hasPeer: Bool) {
        self.queued = queued
        self.delivered = delivered
        self.hasPeer = hasPeer
    }
}

/// A queue of requests between domains. Besides being usable, it is proxygen's second example:
/// it crosses the boundary in the ways `Probe` does not (arrays, lent deques, two moves in one
/// call, optionals, structs, and references to other interfaces).
public protocol Mailbox: AnyObject {
    /// Copies a struct back.
    func status() throws(RpcError) -> MailboxStatus
    /// Moves a batch in; the mailbox takes its requests. Returns how many it queued.
    func post(_ batch: consuming RRefDeque<Request, 16>, urgent: Bool) throws(RpcError) -> Int
    /// Lends a batch to read; returns the first request whose tag matches, if any.
    func find(tag: UInt32, in batch: borrowing RRefDeque<Request, 16>) throws(RpcError) -> Request?
    /// Moves two requests in and an array holding both of them back.
    func pair(_ first: consuming RRef<Request>, with second: consuming RRef<Request>) throws(RpcError) -> RRefArray<Request, 2>
    /// Moves the oldest queued request out.
    func take() throws(RpcError) -> RRef<Request>
    /// Passes another mailbox's proxy in: later posts may be forwarded to it.
    func connect(to peer: any Mailbox) throws(RpcError)
    /// Passes the connected mailbox's proxy back.
    func peer() throws(RpcError) -> any Mailbox
    /// Asks a probe domain, through the probe's own proxy, to add two numbers.
    func askProbe(_ probe: any Probe, _ a: Int, _ b: Int) throws(RpcError) -> Int
}
