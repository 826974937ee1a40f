// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:17: error: 'ping()' is async: a cross-domain call runs synchronously on the caller's thread [async-method]
@_spi(Kernel) import LeafCore

public protocol Pinger: AnyObject {
    func ping() async throws(RpcError)
}
