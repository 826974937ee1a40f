// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 12:23: error: field 'valid' of Exchangeable 'Sample' has type 'Bool', which is not exchangeable: a Bool has two valid bit patterns of 256: a byte the receiver reads as a Bool could be an invalid one; carry a UInt8 [exchangeable-field]
// expect: 13:22: error: field 'mode' of Exchangeable 'Sample' has type 'Mode', which is not exchangeable: 'Mode' is an enum: a byte the receiver reads as one could be an invalid bit pattern, none of its cases; carry its raw value [exchangeable-field]
// expect: 14:25: error: field 'reading' of Exchangeable 'Sample' has type 'Int?', which is not exchangeable: an Optional's tag could be an invalid bit pattern when the receiver reads it; carry a count or an integer flag [exchangeable-field]
// expect: 15:24: error: field 'origin' of Exchangeable 'Sample' has type 'Point', which is not exchangeable: 'Point' is only BitwiseCopyable, and type identity requires the IDL's ID: declare it ': Exchangeable' with 'static var exchangeableTypeID: UInt64 { 0xc53b536befb0fc31 }' [exchangeable-field]
// expect: 16:38: error: field 'marks' of Exchangeable 'Sample' has type 'InlineArray<2, Bool>', which is not exchangeable: a Bool has two valid bit patterns of 256: a byte the receiver reads as a Bool could be an invalid one; carry a UInt8 [exchangeable-field]
// expect: 17:22: error: field 'base' of 'Sample' has non-exchangeable type 'UnsafeRawPointer': a pointer reaches into memory that the other domain does not own [non-exchangeable]
@_spi(Kernel) import LeafCore

/// Every field of an Exchangeable struct is exchangeable itself: the receiver reads each byte.
public struct Sample: Exchangeable {
    public var valid: Bool
    public var mode: Mode
    public var reading: Int?
    public var origin: Point
    public var marks: InlineArray<2, Bool>
    public var base: UnsafeRawPointer
    public var count: Int
    public var bytes: InlineArray<4, UInt8>
    public var window: Window
    public var area: Int { count * 2 }
    public static var exchangeableTypeID: UInt64 { 0xeba0_57e2_ec78_c047 }
}

public struct Window: Exchangeable {
    public var width, height: UInt16
    public static var exchangeableTypeID: UInt64 { 0x69bb_59ce_d4ad_383d }
}

public struct Point: BitwiseCopyable {
    public var x: Int
    public var y: Int
}

public enum Mode: UInt8, BitwiseCopyable {
    case on, off
}

public protocol Sampler: AnyObject {
    func sample() throws(RpcError) -> RRef<Sample>
}
