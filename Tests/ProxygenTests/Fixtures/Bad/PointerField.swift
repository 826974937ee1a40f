// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:22: error: field 'base' of 'Mapping' has non-exchangeable type 'UnsafeRawPointer': a pointer reaches into memory that the other domain does not own [non-exchangeable]
// expect: 15:17: error: payload of case 'shared' of 'Mode' has non-exchangeable type 'OpaquePointer': a pointer reaches into memory that the other domain does not own [non-exchangeable]
@_spi(Kernel) import LeafCore

/// A pointer is BitwiseCopyable, so the compiler lets it into a struct that crosses; the audit does not.
public struct Mapping: BitwiseCopyable {
    public var base: UnsafeRawPointer
    public var length: Int
    public var mode: Mode
    public var size: Int { length * 2 }
}

public enum Mode: BitwiseCopyable {
    case shared(OpaquePointer)
    case owned(length: Int)
}

public protocol Mapper: AnyObject {
    func map(_ mapping: Mapping) throws(RpcError)
}
