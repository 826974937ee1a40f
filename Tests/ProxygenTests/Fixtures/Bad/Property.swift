// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:5: error: property 'count': an interface has methods only; write 'func count() throws(RpcError) -> T' [property]
@_spi(Kernel) import LeafCore

public protocol Counter: AnyObject {
    var count: Int { get }
}
