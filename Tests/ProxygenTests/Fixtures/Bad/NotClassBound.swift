// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 5:17: error: protocol 'Counter' is not class-bound: interfaces are declared 'protocol Counter: AnyObject' (their proxies are classes) [not-an-interface]
@_spi(Kernel) import LeafCore

public protocol Counter {
    func count() throws(RpcError) -> Int
}
