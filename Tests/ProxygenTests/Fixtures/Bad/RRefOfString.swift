// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:39: error: parameter 'value' has non-exchangeable type 'RRef<String>': the element of RRef must be a BitwiseCopyable value, not 'String' [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Keeper: AnyObject {
    func keep(_ value: consuming RRef<String>) throws(RpcError)
}
