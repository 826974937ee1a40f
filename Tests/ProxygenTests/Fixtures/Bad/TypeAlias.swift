// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 9:8: error: typealias 'Float': an alias can make a name mean another type than it says (a 'Float' that is a pointer); write the type itself [typealias]
// expect: 10:8: error: typealias 'Count': an alias can make a name mean another type than it says (a 'Float' that is a pointer); write the type itself [typealias]
// expect: 13:12: error: typealias 'Raw': an alias can make a name mean another type than it says (a 'Float' that is a pointer); write the type itself [typealias]
// expect: 19:5: error: typealias 'Result': an alias can make a name mean another type than it says (a 'Float' that is a pointer); write the type itself [typealias]
import LeafCore

/// An alias can make a field that looks like a number a pointer.
public typealias Float = UnsafeRawPointer
public typealias Count = Int

public struct Sample: BitwiseCopyable {
    public typealias Raw = UInt64
    public var value: Float
    public var count: Int
}

public protocol Sampler: AnyObject {
    typealias Result = Sample
    func sample() throws(RpcError) -> Sample
}
