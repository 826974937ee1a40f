// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 9:16: error: stored property 'base' of 'Handle' has no type annotation: an inferred type can hide a pointer or a closure from the audit; write its type [unannotated-property]
// expect: 10:16: error: stored property 'count' of 'Handle' has no type annotation: an inferred type can hide a pointer or a closure from the audit; write its type [unannotated-property]
// expect: 17:9: error: stored property 'run' of 'Hook' has no type annotation: an inferred type can hide a pointer or a closure from the audit; write its type [unannotated-property]
import LeafCore

/// An inferred type is a type nobody wrote, and nobody audited: this one is a pointer.
public struct Handle: BitwiseCopyable {
    public var base = UnsafeMutableRawPointer(bitPattern: 1)!
    public var count = 0
    public let limit: Int = 8
    public var area: Int { count * limit }
}

/// A closure, inferred.
public struct Hook {
    var run = { 1 }
    static var calls = 0
}

public protocol Mapper: AnyObject {
    func map(_ handle: Handle) throws(RpcError)
}
