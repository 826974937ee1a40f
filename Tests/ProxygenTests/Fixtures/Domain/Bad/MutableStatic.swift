// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 13:12: error: mutable static 'count': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 15:19: error: mutable static 'current': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 16:12: error: mutable static 'observed': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 20:12: error: mutable static 'both': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 25:16: error: static 'cache' is initialized by a call to 'Session': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 26:16: error: static 'callback' is initialized by a closure: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 32:33: error: mutable static 'hits': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
// expect: 38:12: error: mutable static 'depth': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
import LeafInterfaces

public final class Session {
    static var count = 0
    class var label: String { "session" }
    public static var current: Session? = nil
    static var observed = 0 {
        didSet { print(observed) }
    }
    static var computed: Int { 3 }
    static var both: Int {
        get { 1 }
        set { print(newValue) }
    }
    static let maximum = 8
    static let cache = Session()
    static let callback: (Int) -> Int = { $0 }
    var instanceCount = 0

    func work() {
        var local = 0
        local += 1
        struct Scratch { static var hits = 0 }
        Scratch.hits += local
    }
}

enum Defaults {
    static var depth = 3
}
