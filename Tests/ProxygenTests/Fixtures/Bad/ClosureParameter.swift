// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:39: error: parameter 'callback' has non-exchangeable type '@escaping () -> Void': a closure carries code and captured state of the caller's domain [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Notifier: AnyObject {
    func onDone(_ callback: @escaping () -> Void) throws(RpcError)
}
