// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:36: error: result of 'now()' has non-exchangeable type 'Date': 'Date' is not known to be exchangeable: declare it in LeafInterfaces as a public struct or enum marked ': BitwiseCopyable' [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Clock: AnyObject {
    func now() throws(RpcError) -> Date
}
