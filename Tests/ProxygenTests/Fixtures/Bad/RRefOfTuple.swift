// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:39: error: parameter 'point', of type 'RRef<(Int, Int)>': its payload '(Int, Int)' is not Exchangeable: a tuple has no type identity (no exchangeableTypeID); declare a struct ': Exchangeable' in the IDL [not-exchangeable-payload]
// expect: 9:47: error: result of 'line()', of type 'RRefArray<(x: Double, y: Double), 2>': its payload '(x: Double, y: Double)' is not Exchangeable: a tuple has no type identity (no exchangeableTypeID); declare a struct ': Exchangeable' in the IDL [not-exchangeable-payload]
@_spi(Kernel) import LeafCore

/// A tuple has no name, so no ID: declare a struct.
public protocol Plotter: AnyObject {
    func plot(_ point: consuming RRef<(Int, Int)>) throws(RpcError)
    func line() throws(RpcError) -> RRefArray<(x: Double, y: Double), 2>
}
