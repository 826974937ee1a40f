/// The rules a domain's source is audited against (`--audit-domain`). A domain is kept apart
/// from the kernel and from other domains only by Swift's language safety, so each rule closes
/// one way around it that the compiler lets through, even with strict memory safety on (which
/// only warns, and only where it is enabled). The raw value is the name printed in brackets.
public enum DomainRule: String, CaseIterable, Sendable {
    case unsafeKeyword = "unsafe-keyword"
    case uncheckedAttribute = "unchecked-attribute"
    case unownedUnsafe = "unowned-unsafe"
    case nonisolatedUnsafe = "nonisolated-unsafe"
    case foreignSymbol = "foreign-symbol"
    case privateAccess = "private-access"
    case underscoredAttribute = "underscored-attribute"
    case forbiddenImport = "forbidden-import"
    case unsafeType = "unsafe-type"
    case unsafeFunction = "unsafe-function"
    case mutableGlobal = "mutable-global"
    case exchangeableConformance = "exchangeable-conformance"

    /// What the rule refuses, in one line (for `--help`).
    public var summary: String {
        switch self {
        case .unsafeKeyword: "`unsafe` expressions, `for unsafe`, `@unsafe`, `@safe`, `unsafeAddress`"
        case .uncheckedAttribute: "`@unchecked` (as in `@unchecked Sendable`), `@exclusivity(unchecked)`"
        case .unownedUnsafe: "`unowned(unsafe)`, on a property or in a capture list"
        case .nonisolatedUnsafe: "`nonisolated(unsafe)`"
        case .foreignSymbol: "`@_silgen_name`, `@_cdecl`, `@c`, `@_extern`"
        case .privateAccess: "`@testable`, `@_spi`, `@_spiOnly`, `@_implementationOnly`, `@_private`"
        case .underscoredAttribute: "any other attribute whose name starts with `_`"
        case .forbiddenImport: "an import other than plain `import LeafInterfaces`, `LeafSDK` or `Swift`"
        case .unsafeType: "a name starting with `Unsafe`; Unmanaged, OpaquePointer, CVaListPointer, _Pointer"
        case .unsafeFunction: "a name starting with `unsafe` or `withUnsafe` (unsafeBitCast...)"
        case .mutableGlobal: "a global or static `var` or `lazy`; a global closure or class instance"
        case .exchangeableConformance: "a conformance to `Exchangeable` (or a typealias naming it)"
        }
    }

    /// Why the rule exists (for `--explain --audit-domain`).
    public var reason: String {
        switch self {
        case .unsafeKeyword:
            "`unsafe` tells the compiler that the programmer has checked what it cannot, and `@safe` says a declaration that uses unsafe types is safe anyway. A domain has no checker but the compiler, so it may not vouch for itself; unsafeAddress accessors hand out raw addresses."
        case .uncheckedAttribute:
            "`@unchecked Sendable` lets a type with unprotected mutable state be shared between threads, and `@exclusivity(unchecked)` turns off the checks that keep two accesses to one variable from overlapping. Both are races the compiler no longer sees, and a race breaks memory safety."
        case .unownedUnsafe:
            "`unowned(unsafe)` is a reference that is not retained and not checked: once its object is freed (for example when the other side is torn down) it points at freed memory, which may by then hold another domain's objects."
        case .nonisolatedUnsafe:
            "`nonisolated(unsafe)` exempts a variable from data-race checking; concurrent access to it is undefined behaviour, and the usual use (a mutable global) is refused by mutable-global anyway."
        case .foreignSymbol:
            "These attributes bind a Swift declaration to a symbol name chosen by hand: a domain could call a kernel or runtime function (swift_retain, a CLeafGate entry, memcpy) with any signature it likes, or export a symbol that replaces one, bypassing the proxies and their checks."
        case .privateAccess:
            "`@testable` and `@_private` imports open internal and private declarations of a module, and `@_spi` opens its system interfaces: the kernel's and the SDK's insides, which keep their invariants only when used through the public API. `@_spi` on a declaration publishes such an interface from a domain."
        case .underscoredAttribute:
            "Underscored attributes are compiler internals with no stability or safety promise (`@_effects` lies to the optimizer, `@_unsafeInheritExecutor` and `@_section` do what they say). A domain has no need for them, and refusing them all keeps new ones out too."
        case .forbiddenImport:
            "A domain sees the system only through LeafInterfaces (the IDL) and LeafSDK: importing LeafCore, LeafProxies or the C gate would give it the kernel's own types and entry points, and Glibc or Foundation give it raw memory, files and threads outside the kernel's accounting. Kind and submodule imports (`import struct M.X`) are refused too, to keep the allowed set simple to read."
        case .unsafeType:
            "Unsafe pointers, Unmanaged and OpaquePointer carry addresses the compiler does not check: with one a domain can read or write any memory in the address space, including the kernel's and other domains' heaps. The audit looks at every identifier, so a pointer cannot hide in a generic argument, a closure type, an extension, a cast or an expression."
        case .unsafeFunction:
            "Functions and members named unsafe... (unsafeBitCast, unsafeDowncast, unsafelyUnwrapped) skip the checks that make Swift safe, and withUnsafe... (withUnsafeBytes, withUnsafeMutablePointer) hand a pointer to a closure. Any name with these prefixes is refused, the domain's own included, so that none of them is mistaken for a safe one."
        case .mutableGlobal:
            "State outside the domain's objects survives the domain's teardown: a global or static variable, a lazily initialized global, or a global closure or class instance keeps values, closures and references of the dead domain alive, and the restarted domain would see them. A domain keeps its state in the instance it exports; global and static `let`s of values and computed properties with only a getter are fine."
        case .exchangeableConformance:
            "A conformance to Exchangeable carries a type identity that the kernel trusts when an RRef moves between domains. Conformances belong to the IDL (LeafInterfaces) and the SDK only: a domain that declared one could give its own type another type's identity and have the kernel reinterpret memory."
        }
    }
}
