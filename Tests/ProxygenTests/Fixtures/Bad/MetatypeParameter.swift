// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:23: error: parameter 'type' has non-exchangeable type 'Int.Type': a metatype does not cross [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Maker: AnyObject {
    func make(_ type: Int.Type) throws(RpcError)
}
