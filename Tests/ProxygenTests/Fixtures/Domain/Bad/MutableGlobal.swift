// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 13:1: error: mutable global 'requests': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 14:8: error: mutable global 'verbose': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 15:6: error: lazy global 'table': state outside the domain's objects survives its teardown [mutable-global]
// expect: 19:1: error: mutable global 'settable': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 26:5: error: global 'registry' holds an instance of class 'Registry', which outlives the domain's teardown; keep it in the domain's instance [mutable-global]
// expect: 27:5: error: global 'shared' holds an instance of class 'Registry', which outlives the domain's teardown; keep it in the domain's instance [mutable-global]
// expect: 28:5: error: global 'onCrash' holds a closure, which outlives the domain's teardown; keep it in the domain's instance [mutable-global]
// expect: 29:5: error: global 'handler' holds a closure, which outlives the domain's teardown; keep it in the domain's instance [mutable-global]
import LeafInterfaces

/// Globals survive the domain's teardown; constants of values do no harm.
var requests = 0
public var verbose: Bool = false
lazy var table = [Int](repeating: 0, count: 16)
let limit = 64
let names = ["a", "b"]
var derived: Int { limit * 2 }
var settable: Int {
    get { limit }
    set { print(newValue) }
}

final class Registry {}

let registry = Registry()
let shared: Registry = .init()
let onCrash = { print("crashed") }
let handler: () -> Void = {}
