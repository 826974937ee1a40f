// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:16: error: 'run()' rethrows: an interface method is declared 'throws(RpcError)' [missing-typed-throws]
@_spi(Kernel) import LeafCore

public protocol Runner: AnyObject {
    func run() rethrows
}
