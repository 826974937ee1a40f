// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:17: error: 'ping()' throws an untyped error: declare 'throws(RpcError)' (Embedded Swift has no untyped throws) [missing-typed-throws]
@_spi(Kernel) import LeafCore

public protocol Pinger: AnyObject {
    func ping() throws
}
