// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:5: error: initializer: an interface cannot create its implementation; the domain's entry does (see the proxy's spawn) [unsupported-member]
@_spi(Kernel) import LeafCore

public protocol Counter: AnyObject {
    init(start: Int)
}
