// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 5:1: error: conditional compilation in an interface file: proxygen cannot tell which branch is compiled [unsupported-member]
@_spi(Kernel) import LeafCore

#if DEBUG
public protocol Tracer: AnyObject {
    func trace() throws(RpcError)
}
#endif
