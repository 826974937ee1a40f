// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:24: error: parameter 'table' has non-exchangeable type '[UInt32: Int]': a Dictionary is a reference-counted buffer in the caller's heap; pass entries in an RRefArray<T, N> of a BitwiseCopyable struct [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Loader: AnyObject {
    func load(_ table: [UInt32: Int]) throws(RpcError)
}
