// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 7:10: error: 'put(_:)' has the same name and argument labels as the method at line 6: the proxy and its callers tell methods apart by name and labels [ambiguous-overload]
@_spi(Kernel) import LeafCore

public protocol Store: AnyObject {
    func put(_ value: Int) throws(RpcError)
    func put(_ value: UInt8) throws(RpcError)
}
