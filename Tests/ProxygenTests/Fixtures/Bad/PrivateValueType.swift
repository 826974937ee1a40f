// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 10:24: error: type 'Point' must be public: LeafProxies, another module, copies it [not-public]
@_spi(Kernel) import LeafCore

struct Point: BitwiseCopyable {
    var x: Int
}

public protocol Plotter: AnyObject {
    func plot(_ point: Point) throws(RpcError)
}
