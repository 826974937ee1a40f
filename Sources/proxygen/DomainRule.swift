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
    case globalInitializer = "global-initializer"
    case reflection = "reflection"
    case concurrency = "concurrency"
    case binaryPlacement = "binary-placement"
    case underscoredName = "underscored-name"

    /// What the rule refuses, in one line (for `--help`).
    public var summary: String {
        switch self {
        case .unsafeKeyword: "`unsafe` expressions, `for unsafe`, `@unsafe`, `@safe`, `unsafeAddress`"
        case .uncheckedAttribute: "`@unchecked` (as in `@unchecked Sendable`), `@exclusivity(unchecked)`"
        case .unownedUnsafe: "`unowned(unsafe)`, on a property or in a capture list"
        case .nonisolatedUnsafe: "`nonisolated(unsafe)`"
        case .foreignSymbol: "`@_silgen_name`, `@_cdecl`, `@c`, `@_extern`"
        case .privateAccess: "`@testable`, `@_spi`, `@_spiOnly`, `@_implementationOnly`, `@_private`, `@preconcurrency`"
        case .underscoredAttribute: "any other attribute whose name starts with `_`"
        case .forbiddenImport: "an import other than plain `import LeafInterfaces`, `LeafSDK` or `Swift`"
        case .unsafeType: "a name starting with `Unsafe`; Unmanaged, OpaquePointer, CVaListPointer, _Pointer"
        case .unsafeFunction: "a name starting with `unsafe` or `withUnsafe` (unsafeBitCast...); withContiguous(Mutable)StorageIfAvailable, withUTF8, withCString, withMemoryRebound, withVaList"
        case .mutableGlobal: "a global or static `var` or `lazy`"
        case .exchangeableConformance: "a conformance to `Exchangeable` (or a typealias naming it)"
        case .globalInitializer: "a global or static `let` initialized by anything but a number, boolean, string or nil literal (or a tuple of them) or a case of the domain's own enum"
        case .reflection: "Mirror, CustomReflectable, dump, `reflecting:`, _forEachField, ObjectIdentifier"
        case .concurrency: "Task, task groups, actors, `async`, AsyncStream, DispatchQueue, Thread, executors, `nonisolated`, global actors"
        case .binaryPlacement: "`@section`, `@used`, `@_section`, `@_used`, `@abi`, `@export`, `@_expose`"
        case .underscoredName: "a name starting with `_` that the audited files do not declare themselves"
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
            "`@testable` and `@_private` imports open internal and private declarations of a module, and `@_spi` opens its system interfaces: the kernel's and the SDK's insides, which keep their invariants only when used through the public API. `@_spi` on a declaration publishes such an interface from a domain. `@preconcurrency` silences the concurrency checks for what it marks, so a type that is not safe to share could cross threads unnoticed."
        case .underscoredAttribute:
            "Underscored attributes are compiler internals with no stability or safety promise (`@_effects` lies to the optimizer, `@_unsafeInheritExecutor` and `@_section` do what they say). A domain has no need for them, and refusing them all keeps new ones out too."
        case .forbiddenImport:
            "A domain sees the system only through LeafInterfaces (the IDL) and LeafSDK: importing LeafCore, LeafProxies or the C gate would give it the kernel's own types and entry points, and Glibc or Foundation give it raw memory, files and threads outside the kernel's accounting. Kind and submodule imports (`import struct M.X`) are refused too, to keep the allowed set simple to read."
        case .unsafeType:
            "Unsafe pointers, Unmanaged and OpaquePointer carry addresses the compiler does not check: with one a domain can read or write any memory in the address space, including the kernel's and other domains' heaps. The audit looks at every identifier, so a pointer cannot hide in a generic argument, a closure type, an extension, a cast or an expression."
        case .unsafeFunction:
            "Functions and members named unsafe... (unsafeBitCast, unsafeDowncast, unsafelyUnwrapped) skip the checks that make Swift safe, and withUnsafe... (withUnsafeBytes, withUnsafeMutablePointer) hand a pointer to a closure. Any name with these prefixes is refused, the domain's own included, so that none of them is mistaken for a safe one. withContiguousStorageIfAvailable, withContiguousMutableStorageIfAvailable, withUTF8, withCString, withMemoryRebound and withVaList hand a raw buffer pointer to a closure whose parameter type need not be written, so the pointer type would never appear in the source."
        case .mutableGlobal:
            "State outside the domain's objects survives the domain's teardown: a global or static variable or a lazily initialized global keeps values, closures and references of the dead domain alive, and the restarted domain would see them. A domain keeps its state in the instance it exports; computed properties with only a getter are fine, and global and static `let`s are checked by global-initializer."
        case .exchangeableConformance:
            "A conformance to Exchangeable carries a type identity that the kernel trusts when an RRef moves between domains. Conformances belong to the IDL (LeafInterfaces) and the SDK only: a domain that declared one could give its own type another type's identity and have the kernel reinterpret memory."
        case .globalInitializer:
            "A global or static `let` is created the first time it is used, by code running in the domain, so what its initializer allocates (a class instance, a closure context, the storage of an array, a dictionary or an interpolated string, anything an initializer or a call builds) lives in the domain's heap. The global itself lives in the binary and outlives the domain's teardown: afterwards it points into freed pages, which may by then hold another domain's objects, and the restarted domain finds it already initialized. Only constants that need no heap are allowed: number, boolean, string (without interpolation) and nil literals, a negated number, tuples of these, and a payload-free case of an enum the audited files declare (`.name` with the enum as the written type, or `Enum.name`). A written type must be a standard scalar (Int..., Double, Float, Bool, String, StaticString, Character), an optional or tuple of them, or that enum: a literal of any other type runs that type's initializer. Anything else belongs in the domain's instance, or in a computed property that builds it on each use."
        case .reflection:
            "Reflection reads a value's stored fields by their layout instead of through its declared API: Mirror (and dump, String(reflecting:), CustomReflectable, _forEachField) would open a proxy and reach the other domain's implementation and the kernel's handles behind it without passing the call gate. ObjectIdentifier turns a reference into its address, which tells a domain where the kernel and other domains keep their objects."
        case .concurrency:
            "The call gate assumes a domain's code runs only inside calls made to it, on the calling thread. Tasks, task groups, actors, async functions and `async let`, async streams, dispatch queues, threads and executors run domain code on other threads or at other times, outside the gate: it would race the kernel's tables (whose thread and innermost call are not its own) and go on running after the domain is torn down. `nonisolated` and global actors (`@MainActor`, `@globalActor`) only mean something with that machinery and are refused with it."
        case .binaryPlacement:
            "These attributes decide where a declaration's bytes or code go in the linked binary: `@section`/`@_section` put a constant into a section chosen by name (the kernel's init arrays, its page tables, a table the loader trusts), `@used`/`@_used` keep it there even when unused, and `@abi`, `@export` and `@_expose` change the symbol or its visibility. A domain could place chosen bytes in any kernel section, or have code run before main."
        case .underscoredName:
            "Names that start with `_` in the standard library are not API: they have no stability promise, and several (_withUnprotectedUnsafeMutablePointer, _getUnsafePointerToStoredProperties, _unsafeReferenceCast, _forEachField) are unsafe without saying so in their name. Any identifier starting with `_`, in an expression or a type, is refused unless the audited files declare it themselves (a property wrapper's `_name` counts as declared); a lone `_` (a discard, a wildcard, an unnamed parameter) is not a name and is fine."
        }
    }
}
