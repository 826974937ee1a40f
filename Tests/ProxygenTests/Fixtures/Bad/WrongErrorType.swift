// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:24: error: 'ping()' throws 'KernelError': an interface method is declared 'throws(RpcError)' [missing-typed-throws]
@_spi(Kernel) import LeafCore

public protocol Pinger: AnyObject {
    func ping() throws(KernelError)
}
