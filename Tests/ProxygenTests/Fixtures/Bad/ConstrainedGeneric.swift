// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:15: error: generic parameter 'T' of 'echo(_:)': a proxy's call body is a C function and cannot carry type parameters; use a concrete type [generic-method]
@_spi(Kernel) import LeafCore

public protocol Echo: AnyObject {
    func echo<T: BitwiseCopyable>(_ value: T) throws(RpcError) -> T
}
