// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:25: error: parameter 'buffer' has non-exchangeable type 'Buffer': 'Buffer' is a class: its instances live in one domain's heap; only interface references (proxies) cross [non-exchangeable]
@_spi(Kernel) import LeafCore

public final class Buffer {}

public protocol Filler: AnyObject {
    func fill(_ buffer: Buffer) throws(RpcError)
}
