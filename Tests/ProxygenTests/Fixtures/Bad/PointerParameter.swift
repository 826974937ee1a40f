// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:22: error: parameter 'base' has non-exchangeable type 'UnsafeMutableRawPointer': a pointer reaches into memory that the other domain does not own [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Device: AnyObject {
    func map(_ base: UnsafeMutableRawPointer) throws(RpcError)
}
