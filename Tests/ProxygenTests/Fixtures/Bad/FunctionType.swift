// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 13:40: error: field 'onEvent' of 'Callbacks' has non-exchangeable type '@convention(c) (Int) -> Int': a closure carries code and captured state of the caller's domain [non-exchangeable]
// expect: 14:47: error: field 'other' of 'Callbacks' has non-exchangeable type 'Optional<@convention(c) () -> Void>': a closure carries code and captured state of the caller's domain [non-exchangeable]
// expect: 18:30: error: payload of case 'call' of 'Action' has non-exchangeable type '@convention(c) () -> Void': a closure carries code and captured state of the caller's domain [non-exchangeable]
// expect: 24:18: error: function type '(Int) -> Int': a function value carries code (and captured state) of the domain that made it; interface types hold data only [function-type]
// expect: 25:36: error: function type '(Int) -> Int': a function value carries code (and captured state) of the domain that made it; interface types hold data only [function-type]
// expect: 26:26: error: function type '(Int) -> Int': a function value carries code (and captured state) of the domain that made it; interface types hold data only [function-type]
// expect: 31:41: error: parameter 'handler' has non-exchangeable type '@escaping (Int) -> Void': a closure carries code and captured state of the caller's domain [non-exchangeable]
import LeafCore

/// A C function pointer is BitwiseCopyable: the compiler lets it into a value that crosses.
public struct Callbacks: BitwiseCopyable {
    public var onEvent: @convention(c) (Int) -> Int
    public var other: Optional<@convention(c) () -> Void>
}

public enum Action: BitwiseCopyable {
    case call(@convention(c) () -> Void)
    case none
}

/// Not exchangeable, but a function type has no place in an interface file.
public struct Pipeline {
    var stages: [(Int) -> Int]
    public func apply(_ transform: (Int) -> Int) -> Int { transform(0) }
    public init(stages: [(Int) -> Int]) { self.stages = stages }
}

public protocol Events: AnyObject {
    func fire(_ callbacks: Callbacks) throws(RpcError)
    func subscribe(_ handler: @escaping (Int) -> Void) throws(RpcError)
}
