// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 11:9: error: stored property 'level' of 'Gauge' has 'willSet': an observer runs code in whichever domain writes the field; a value that crosses is plain data [observed-property]
// expect: 12:9: error: stored property 'level' of 'Gauge' has 'didSet': an observer runs code in whichever domain writes the field; a value that crosses is plain data [observed-property]
// expect: 14:22: error: field 'base' of 'Gauge' has non-exchangeable type 'UnsafeRawPointer': a pointer reaches into memory that the other domain does not own [non-exchangeable]
// expect: 15:9: error: stored property 'base' of 'Gauge' has 'didSet': an observer runs code in whichever domain writes the field; a value that crosses is plain data [observed-property]
import LeafCore

/// An observed property is stored, so it is checked as a field, and its observer runs code.
public struct Gauge: BitwiseCopyable {
    public var level: Int {
        willSet { print(newValue) }
        didSet { print(oldValue) }
    }
    public var base: UnsafeRawPointer {
        didSet {}
    }
    public var doubled: Int { level * 2 }
}

public protocol Meter: AnyObject {
    func read() throws(RpcError) -> Gauge
}
