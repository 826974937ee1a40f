// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:39: error: parameter 'value', of type 'RRef<Bool>': its payload 'Bool' is not Exchangeable: a Bool has two valid bit patterns of 256: a byte the receiver reads as a Bool could be an invalid one; carry a UInt8 [not-exchangeable-payload]
// expect: 9:48: error: result of 'flags()', of type 'RRefArray<Swift.Bool, 8>': its payload 'Swift.Bool' is not Exchangeable: a Bool has two valid bit patterns of 256: a byte the receiver reads as a Bool could be an invalid one; carry a UInt8 [not-exchangeable-payload]
@_spi(Kernel) import LeafCore

/// A Bool has 2 valid bit patterns: the heap cannot promise the receiver one of them.
public protocol Switchboard: AnyObject {
    func flip(_ value: consuming RRef<Bool>) throws(RpcError)
    func flags() throws(RpcError) -> RRefArray<Swift.Bool, 8>
    func copied(_ on: Bool) throws(RpcError) -> Bool
}
