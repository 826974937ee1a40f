/// What a cross-domain call can fail with. Every interface method throws exactly this type.
public enum RpcError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The callee trapped during this call; it has been torn down.
    case domainCrashed
    /// The callee is not live (crashed earlier and not restarted, or stopped).
    case domainUnavailable
    /// An object crossing the boundary is not owned by the domain handing it over (a caller
    /// passing a stale or foreign reference, or a callee returning one).
    case ownershipViolation
    /// The thread's frame stack is full.
    case callDepthExceeded
    /// The callee is the domain the running thread lives in: if it crashed, the thread would
    /// have nothing left to return to.
    case callIntoHomeDomain
    /// The callee refused an argument.
    case invalidArgument
    /// The device behind the callee (a driver) failed, refused an access, or did not finish
    /// in time.
    case deviceFailed
    /// The callee was given no device to do this with.
    case noDevice

    public var description: String {
        switch self {
        case .domainCrashed: "the callee domain crashed during the call and was torn down"
        case .domainUnavailable: "the callee domain is not live (crashed or stopped; restart it first)"
        case .ownershipViolation: "an object crossing the boundary is not owned by the domain handing it over"
        case .callDepthExceeded: "the thread's domain frame stack is full"
        case .callIntoHomeDomain: "the callee is the running thread's home domain (a crash there would leave the thread nowhere to return)"
        case .invalidArgument: "the callee refused an argument"
        case .deviceFailed: "the callee's device failed, refused the access or did not finish in time"
        case .noDevice: "the callee was handed no device capability for this"
        }
    }
}
