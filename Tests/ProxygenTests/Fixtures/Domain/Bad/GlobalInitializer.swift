// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 25:5: error: global 'stash' is initialized by a call to 'Stash.init': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 26:5: error: global 'boxed' is initialized by an array literal, whose storage is allocated on the heap: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 27:5: error: global 'wrapped' is initialized by a call to 'Wrapper': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 28:5: error: global 'lookup' is initialized by a dictionary literal, whose storage is allocated on the heap: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 29:5: error: global 'greeting' is initialized by a string interpolation, built on the heap: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 30:5: error: global 'fromFunction' is initialized by a call to 'makeLimit': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 31:5: error: global 'copied' is initialized by 'limit', which is not a literal: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 32:5: error: global 'payloadCase' is initialized by 'Mode.tuned', which is not a payload-free case of an enum the audited files declare: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 33:5: error: global 'borrowed' is initialized by 'Stash.self', which is not a payload-free case of an enum the audited files declare: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 42:5: error: global 'counted' is initialized by a literal of type 'Counted', which runs that type's initializer: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 43:5: error: global 'maybe' is initialized by a literal of type 'Counted?', which runs that type's initializer: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 46:16: error: static 'pair' is initialized by a call to 'Stash': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 47:16: error: static 'pending' is initialized by code that runs later (it has no initial value): a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 48:16: error: static 'unknown' is initialized by '.missing', which is not a payload-free case of an enum the audited files declare: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 49:16: error: static 'foreign' is initialized by 'RpcError.invalidArgument', which is not a payload-free case of an enum the audited files declare: a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
// expect: 70:15: error: static 'made' is initialized by a call to 'Stash': a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards [global-initializer]
import LeafInterfaces

/// A global or static `let` is made on first use, in the domain's heap, and outlives teardown.
final class Stash {}
struct Wrapper { let stash = Stash() }
enum Mode { case fast, careful, tuned(Int) }

let stash = Stash.init()
let boxed = [Stash()]
let wrapped = Wrapper()
let lookup = ["a": 1]
let greeting = "hello \(1 + 1)"
let fromFunction = makeLimit()
let copied = limit
let payloadCase = Mode.tuned
let borrowed = Stash.self

func makeLimit() -> Int { 8 }

/// A literal of a type of the domain's runs that type's initializer.
struct Counted: ExpressibleByIntegerLiteral {
    let stash: Stash
    init(integerLiteral value: Int) { stash = Stash() }
}
let counted: Counted = 3
let maybe: Counted? = 4

public enum Limits {
    static let pair: (Int, Stash) = (1, Stash())
    static let pending: Int
    static let unknown: Mode = .missing
    static let foreign = RpcError.invalidArgument

    /// Constants that need no heap.
    static let limit = 64
    static let negative = -1
    static let ratio = 0.5
    static let name = "limits"
    static let on = true
    static let none: Int? = nil
    static let shape: (Int, String, Bool) = (1, "one", true)
    static let width: UInt8 = 255
    static let mode: Mode = .fast
    static let other = Mode.careful
    static let optionalMode: Mode? = .careful
    static let tagged = (Mode.fast, -2.5)
    static var computed: [Stash] { [Stash()] }
}
let limit = 16
let nothing: Stash? = nil

final class Holder {
    class let made = Stash()
}
