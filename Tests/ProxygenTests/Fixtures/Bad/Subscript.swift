// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:5: error: subscript: an interface has methods only [unsupported-member]
@_spi(Kernel) import LeafCore

public protocol Table: AnyObject {
    subscript(index: Int) -> Int { get }
}
