// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:27: error: parameter 'value' has non-exchangeable type 'some Equatable': 'some Equatable' is an opaque generic parameter; name an interface with 'any' [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Comparer: AnyObject {
    func compare(_ value: some Equatable) throws(RpcError) -> Bool
}
