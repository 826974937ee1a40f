// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 13:1: error: mutable global 'requests': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 14:8: error: mutable global 'verbose': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 15:6: error: lazy global 'table': state outside the domain's objects survives its teardown [mutable-global]
// expect: 19:1: error: mutable global 'settable': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 26:5: error: global 'registry' is initialized by a call to 'Registry': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 27:5: error: global 'shared' is initialized by a call to '.init': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 28:5: error: global 'onCrash' is initialized by a closure: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 29:5: error: global 'handler' is initialized by a closure: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
import LeafInterfaces

/// Globals survive the domain's teardown; constants of values do no harm.
var requests = 0
public var verbose: Bool = false
lazy var table = [Int](repeating: 0, count: 16)
let limit = 64
let name = "a"
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
