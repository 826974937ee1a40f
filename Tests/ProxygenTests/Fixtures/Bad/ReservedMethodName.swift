// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:10: error: method name 'spawn' is reserved: the generated proxy declares 'spawn' itself [reserved-name]
@_spi(Kernel) import LeafCore

public protocol Starter: AnyObject {
    func spawn() throws(RpcError)
}
