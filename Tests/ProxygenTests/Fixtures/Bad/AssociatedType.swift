// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:5: error: associated type 'Element': the proxy would be generic [unsupported-member]
@_spi(Kernel) import LeafCore

public protocol Container: AnyObject {
    associatedtype Element
}
