// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:5: error: static method 'make()': a static member has no domain to run in; interfaces have instance methods only [static-member]
@_spi(Kernel) import LeafCore

public protocol Factory: AnyObject {
    static func make() throws(RpcError) -> Int
}
