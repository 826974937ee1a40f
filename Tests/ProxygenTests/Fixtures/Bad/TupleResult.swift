// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:57: error: result of 'divide(_:_:)' has non-exchangeable type '(Int, Int)': a tuple is not exchangeable; declare a BitwiseCopyable struct [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Divider: AnyObject {
    func divide(_ a: Int, _ b: Int) throws(RpcError) -> (Int, Int)
}
