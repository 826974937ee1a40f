// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 19:59: error: parameter 'batch', of type 'RRefDeque<InlineArray<4, Bool>, 8>': its payload 'InlineArray<4, Bool>' is not Exchangeable: a Bool has two valid bit patterns of 256: a byte the receiver reads as a Bool could be an invalid one; carry a UInt8 [not-exchangeable-payload]
// expect: 20:55: error: result of 'points()', of type 'RRefDeque<[2 of Point], 16>': its payload '[2 of Point]' is not Exchangeable: 'Point' is only BitwiseCopyable, and type identity requires the IDL's ID: declare it ': Exchangeable' with 'static var exchangeableTypeID: UInt64 { 0xc53b536befb0fc31 }' [not-exchangeable-payload]
// expect: 21:75: error: parameter 'batch', of type 'RRefDeque<InlineArray<2, InlineArray<3, Mode>>, 4>': its payload 'InlineArray<2, InlineArray<3, Mode>>' is not Exchangeable: 'Mode' is an enum: a byte the receiver reads as one could be an invalid bit pattern, none of its cases; carry its raw value [not-exchangeable-payload]
// expect: 22:60: error: parameter 'batch', of type 'RRefDeque<InlineArray<2, (Int, Int)>, 4>': its payload 'InlineArray<2, (Int, Int)>' is not Exchangeable: a tuple has no type identity (no exchangeableTypeID); declare a struct ': Exchangeable' in the IDL [not-exchangeable-payload]
@_spi(Kernel) import LeafCore

/// Payloads are checked down to the elements of their InlineArrays.
public struct Point: BitwiseCopyable {
    public var x: Int
    public var y: Int
}

public enum Mode: UInt8, BitwiseCopyable {
    case on, off
}

public protocol Batcher: AnyObject {
    func send(_ batch: consuming RRefDeque<InlineArray<4, Bool>, 8>) throws(RpcError)
    func points() throws(RpcError) -> RRefDeque<[2 of Point], 16>
    func modes(_ batch: borrowing RRefDeque<InlineArray<2, InlineArray<3, Mode>>, 4>) throws(RpcError)
    func pairs(_ batch: borrowing RRefDeque<InlineArray<2, (Int, Int)>, 4>) throws(RpcError)
    func fine(_ batch: consuming RRefDeque<InlineArray<4, UInt8>, 8>) throws(RpcError)
}
