// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:10: error: 'ping()' must be declared 'throws(RpcError)': every cross-domain call can fail with RpcError [missing-typed-throws]
@_spi(Kernel) import LeafCore

public protocol Pinger: AnyObject {
    func ping()
}
