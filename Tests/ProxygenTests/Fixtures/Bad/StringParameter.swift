// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:24: error: parameter 'name' has non-exchangeable type 'String': a String is a reference-counted buffer in the caller's heap; pass bytes in an RRefArray<UInt8, N> or a BitwiseCopyable struct [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Greeter: AnyObject {
    func greet(_ name: String) throws(RpcError)
}
