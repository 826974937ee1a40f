// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:38: error: result of 'maybe()' has non-exchangeable type 'RRef<Int>?': an optional RRef or interface reference is not exchangeable; use a separate method [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Keeper: AnyObject {
    func maybe() throws(RpcError) -> RRef<Int>?
}
