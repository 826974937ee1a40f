// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:27: error: parameter 'values' is variadic: its arguments arrive as an Array, a reference-counted buffer [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Adder: AnyObject {
    func sum(_ values: Int...) throws(RpcError) -> Int
}
