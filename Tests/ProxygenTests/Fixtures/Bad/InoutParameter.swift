// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:26: error: parameter 'counter' is inout: the callee would write into the caller's memory; return the new value instead [inout-parameter]
@_spi(Kernel) import LeafCore

public protocol Counter: AnyObject {
    func bump(_ counter: inout Int) throws(RpcError)
}
