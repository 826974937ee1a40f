// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:22: error: parameter 'tags' has non-exchangeable type 'Set<UInt32>': a Set is a reference-counted buffer in the caller's heap; pass elements in an RRefArray<T, N> or RRefDeque<T, N> [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Tagger: AnyObject {
    func tag(_ tags: Set<UInt32>) throws(RpcError)
}
