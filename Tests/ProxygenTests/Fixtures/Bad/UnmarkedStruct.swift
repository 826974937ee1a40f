// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 11:24: error: parameter 'point' has non-exchangeable type 'Point': 'Point' is not marked BitwiseCopyable, so it may hold references; declare it ': BitwiseCopyable' [non-exchangeable]
@_spi(Kernel) import LeafCore

public struct Point {
    public var x: Int
    public var y: Int
}

public protocol Plotter: AnyObject {
    func plot(_ point: Point) throws(RpcError)
}
