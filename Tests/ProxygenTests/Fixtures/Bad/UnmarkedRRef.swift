// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:24: error: parameter 'value' of type 'RRef<Int>' must be marked 'consuming' (moved to the callee) or 'borrowing' (lent for the call) [unmarked-ownership]
@_spi(Kernel) import LeafCore

public protocol Keeper: AnyObject {
    func keep(_ value: RRef<Int>) throws(RpcError) -> Int
}
