// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:23: error: parameter 'thing' has non-exchangeable type 'Any': 'Any' is an existential that may hold a class, a closure or a buffer [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Sink: AnyObject {
    func put(_ thing: Any) throws(RpcError)
}
