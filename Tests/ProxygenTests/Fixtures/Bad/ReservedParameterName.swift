// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 7:17: error: parameter name 'frame' is reserved: the generated proxy uses 'frame' itself [reserved-name]
// expect: 8:20: error: parameter name 'incarnation' is reserved: the generated proxy uses 'incarnation' itself [reserved-name]
@_spi(Kernel) import LeafCore

public protocol Stepper: AnyObject {
    func step(_ frame: Int) throws(RpcError)
    func rebind(to incarnation: UInt32) throws(RpcError)
}
