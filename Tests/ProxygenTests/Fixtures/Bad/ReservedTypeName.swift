// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 5:15: error: type name 'Args' is reserved: the generated proxies use it [reserved-name]
@_spi(Kernel) import LeafCore

public struct Args: BitwiseCopyable {
    public var count: Int
}
