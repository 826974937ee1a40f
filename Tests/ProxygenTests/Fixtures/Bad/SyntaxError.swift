// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:21: error: syntax error: expected ')' [syntax-error]
@_spi(Kernel) import LeafCore

public protocol Broken: AnyObject {
    func f(_ x: Int throws(RpcError)
}
