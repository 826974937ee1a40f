// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 12:39: error: parameter 'point', of type 'RRef<Point>': its payload 'Point' is not Exchangeable: 'Point' is only BitwiseCopyable, and type identity requires the IDL's ID: declare it ': Exchangeable' with 'static var exchangeableTypeID: UInt64 { 0xc53b536befb0fc31 }' [not-exchangeable-payload]
@_spi(Kernel) import LeafCore

/// BitwiseCopyable is enough to be copied, not to be a payload: the heap knows a payload's type by its ID.
public struct Point: BitwiseCopyable {
    public var x: Int
    public var y: Int
}

public protocol Plotter: AnyObject {
    func plot(_ point: consuming RRef<Point>) throws(RpcError)
    func copied(_ point: Point) throws(RpcError) -> Point
}
