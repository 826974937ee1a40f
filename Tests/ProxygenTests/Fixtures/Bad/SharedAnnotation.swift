// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:28: error: field 'end' of 'Span' has non-exchangeable type 'UnsafeRawPointer': a pointer reaches into memory that the other domain does not own [non-exchangeable]
// expect: 8:28: error: field 'start' of 'Span' has non-exchangeable type 'UnsafeRawPointer': a pointer reaches into memory that the other domain does not own [non-exchangeable]
import LeafCore

/// In `var a, b: T` the first name has no annotation of its own but is a T all the same.
public struct Span: BitwiseCopyable {
    public var start, end: UnsafeRawPointer
    public var low, high: Int
}

public protocol Spans: AnyObject {
    func split(_ span: Span) throws(RpcError) -> Int
}
