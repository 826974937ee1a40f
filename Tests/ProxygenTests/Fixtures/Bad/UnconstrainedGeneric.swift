// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:15: error: generic parameter 'T' of 'echo(_:)' is unconstrained: any type, a class or a closure too, could cross [non-exchangeable]
@_spi(Kernel) import LeafCore

public protocol Echo: AnyObject {
    func echo<T>(_ value: T) throws(RpcError) -> T
}
