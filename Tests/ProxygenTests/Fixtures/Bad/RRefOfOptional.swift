// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:40: error: parameter 'value', of type 'RRef<Int?>': its payload 'Int?' is not Exchangeable: an Optional's tag could be an invalid bit pattern when the receiver reads it; carry a count or an integer flag [not-exchangeable-payload]
// expect: 9:46: error: result of 'all()', of type 'RRefArray<Optional<UInt8>, 4>': its payload 'Optional<UInt8>' is not Exchangeable: an Optional's tag could be an invalid bit pattern when the receiver reads it; carry a count or an integer flag [not-exchangeable-payload]
@_spi(Kernel) import LeafCore

/// An Optional's tag is a byte like any other in the heap.
public protocol Cache: AnyObject {
    func store(_ value: consuming RRef<Int?>) throws(RpcError)
    func all() throws(RpcError) -> RRefArray<Optional<UInt8>, 4>
    func peek() throws(RpcError) -> Int?
}
