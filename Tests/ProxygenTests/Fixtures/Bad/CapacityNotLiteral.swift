// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:48: error: parameter 'batch' has non-exchangeable type 'RRefDeque<Int, Capacity>': the capacity of RRefDeque must be an integer literal [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Batcher: AnyObject {
    func run(_ batch: consuming RRefDeque<Int, Capacity>) throws(RpcError)
}
