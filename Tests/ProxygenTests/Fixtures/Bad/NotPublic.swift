// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 5:1: error: interface 'Counter' must be public: LeafProxies, another module, implements it [not-public]
@_spi(Kernel) import LeafCore

protocol Counter: AnyObject {
    func count() throws(RpcError) -> Int
}
