// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:17: error: protocol 'Shape' is not class-bound: interfaces are declared 'protocol Shape: AnyObject' (their proxies are classes) [not-an-interface]
// expect: 9:24: error: parameter 'shape' has non-exchangeable type 'any Shape': 'Shape' is not class-bound, so 'any Shape' may hold a value with references; interfaces are declared ': AnyObject' [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Shape {}

public protocol Canvas: AnyObject {
    func draw(_ shape: any Shape) throws(RpcError)
}
