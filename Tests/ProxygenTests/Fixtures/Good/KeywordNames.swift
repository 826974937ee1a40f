@_spi(Kernel) import LeafCore

/// Labels that are keywords become parameter names the generated code must backquote.
public protocol Lookup: AnyObject {
    func find(in: Int, for value: borrowing RRef<Int>, default: consuming RRef<Int>) throws(RpcError) -> Int
    func `default`() throws(RpcError)
}
