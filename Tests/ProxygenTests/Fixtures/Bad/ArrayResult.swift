// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:36: error: result of 'all()' has non-exchangeable type '[Int]': an Array is a reference-counted buffer in the caller's heap; pass elements in an RRefArray<T, N> or RRefDeque<T, N> [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Lister: AnyObject {
    func all() throws(RpcError) -> [Int]
}
