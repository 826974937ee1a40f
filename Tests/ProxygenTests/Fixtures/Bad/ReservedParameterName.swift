// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:17: error: parameter name 'frame' is reserved: the generated proxy uses 'frame' itself [reserved-name]
@_spi(Kernel) import LeafCore

public protocol Stepper: AnyObject {
    func step(_ frame: Int) throws(RpcError)
}
