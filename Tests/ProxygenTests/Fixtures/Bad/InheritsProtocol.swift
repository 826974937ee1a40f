// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 5:37: error: interface 'Counter' inherits 'Sendable': an interface inherits only AnyObject [not-an-interface]
@_spi(Kernel) import LeafCore

public protocol Counter: AnyObject, Sendable {
    func count() throws(RpcError) -> Int
}
