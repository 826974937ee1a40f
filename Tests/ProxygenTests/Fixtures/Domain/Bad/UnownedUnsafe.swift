// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:5: error: 'unowned(unsafe)' is an unretained, unchecked reference: it dangles once its object is freed [unowned-unsafe]
// expect: 17:19: error: 'unowned(unsafe)' capture: an unretained, unchecked reference that dangles once its object is freed [unowned-unsafe]
import LeafInterfaces

public final class Node {
    /// Not retained, not checked: dangles when the parent is freed.
    unowned(unsafe) public var parent: Node
    unowned public var root: Node

    public init(parent: Node) {
        self.parent = parent
        self.root = parent
    }

    public func visitor() -> () -> Int {
        return { [unowned(unsafe) self] in self.depth() }
    }

    public func depth() -> Int { 0 }
}
