// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:37: error: result of 'next()' has non-exchangeable type '(any Node)?': an optional RRef or interface reference is not exchangeable; use a separate method [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Node: AnyObject {
    func next() throws(RpcError) -> (any Node)?
}
