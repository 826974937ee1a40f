/// `proxygen --help`.
enum HelpText {
    /// One line per domain rule, its summary aligned after the name.
    static var domainRules: String {
        DomainRule.allCases.map { rule in
            "  " + rule.rawValue + String(repeating: " ", count: max(1, 26 - rule.rawValue.count)) + rule.summary
        }.joined(separator: "\n")
    }

    static let text = """
        USAGE: proxygen [--interfaces PATH]... [--output DIR]
               proxygen --check [--interfaces PATH]... [--output DIR]
               proxygen --audit FILE... [--interfaces PATH]...
               proxygen --explain [FILE...] [--interfaces PATH]...
               proxygen --audit-domain PATH...
               proxygen --explain --audit-domain
               proxygen --help

        Generates the cross-domain proxies of SwiftLeaf from its interfaces, and audits interfaces
        and domains.

        An interface is a public class-bound protocol in LeafInterfaces whose methods are all
        declared `throws(RpcError)`. For each one, proxygen writes <Interface>Proxy.swift into
        LeafProxies: a final class whose every method is the core's call gate (enter, lend and move
        the RRef arguments, invoke under a continuation, leave, move results back, domainCrashed if
        the callee traps), and a static `spawn(name:_:)` that creates a domain exporting the
        interface and rebinds the proxy when the domain restarts. Output is deterministic and
        committed; never edit it by hand.

        MODES
          (none)      Audit the interfaces and write their proxies. Nothing is written if any
                      interface breaks a rule: the diagnostics are printed instead.
          --check     Write nothing; exit 1 naming every stale, missing or extra file in the output
                      folder when it differs from what the interfaces generate. `make test` runs it.
          --audit     Check FILE... against the rules; print each violation as
                      `file:line:column: error: message [rule]` and exit 1 if there is any. Types
                      declared in the interface folder may be used by FILE...
          --explain   Print, per method, which arguments are copied, moved, lent or passed through,
                      and what comes back. Explains FILE... if given, else the interface folder.
          --audit-domain  Check the domain sources PATH... (files, or folders walked recursively)
                      against the domain rules below; print each violation as with --audit and
                      exit 1 if there is any. `make test` runs it on Sources/Domains.
          --explain --audit-domain  Print every domain rule with the reason for it.

        OPTIONS
          --interfaces PATH  An interface file or a folder of them (repeatable).
                             Default: \(Options.defaultInterfaces)
          --output DIR       Where the proxies go. Default: \(Options.defaultOutput)

        RULES (the name in brackets of each diagnostic)
          syntax-error        the file does not parse
          non-exchangeable    a parameter or result that cannot cross: a class other than an
                              interface, a closure, an existential of a non-interface protocol, a
                              pointer, String, Array, Set or Dictionary, a tuple, an unconstrained
                              generic, a type not declared `: BitwiseCopyable`, a variadic; and
                              a field or enum payload of such a type that is not an exchangeable value
          inout-parameter     an inout parameter
          unmarked-ownership  an RRef, RRefArray or RRefDeque parameter without consuming/borrowing
          missing-typed-throws  a method not declared exactly `throws(RpcError)`
          async-method        an async method
          property            a property requirement
          static-member       a static or class member
          ambiguous-overload  two methods with the same name and argument labels
          reserved-name       a method, parameter or type name the generated proxy uses itself
          generic-method      a generic method
          unsupported-member  an initializer, subscript, associated type or other non-method member
          not-an-interface    a protocol that is not class-bound, inherits another protocol, or is generic
          not-public          an interface or exchanged type that is not public
          duplicate-name      a type declared twice
          unannotated-property  a stored property of a struct without a type annotation (an
                              inferred type can hide a pointer or a closure)
          observed-property   a stored property of a struct with willSet or didSet
          typealias           any typealias (an alias can make `Float` mean a pointer)
          function-type       a function type anywhere in the file, even @convention(c)
          not-exchangeable-payload  an RRef, RRefArray or RRefDeque payload (InlineArray elements
                              included) that is not Exchangeable: Bool, an enum, an Optional, a
                              tuple, or a struct that is only BitwiseCopyable (a byte the receiver
                              reads as a Bool or an enum could be an invalid bit pattern, and the
                              heap knows a payload's type only by the ID the IDL gives it)
          exchangeable-field  a stored field of an Exchangeable struct that is not exchangeable
          exchangeable-type-id  an Exchangeable struct without `static var exchangeableTypeID:
                              UInt64 { <literal> }`, or whose literal is not the FNV-1a 64-bit hash
                              of "LeafInterfaces.<Name>" (the message gives it); a generic one
          duplicate-type-id   two types (or a type and an SDK primitive) with the same ID
          exchangeable-not-struct  Exchangeable declared by an enum, a class, a nested type, or a
                              type not declared in the interface files (such as Bool)

        DOMAIN RULES (--audit-domain; a domain is isolated by Swift's safety alone)
        \(domainRules)

        EXCHANGEABLE
          copied      Int, Int8...Int64, UInt, UInt8...UInt64, Float, Double, Bool, optionals and
                      InlineArrays of them, public structs and enums of LeafInterfaces declared
                      `: BitwiseCopyable` (or `: Exchangeable`)
          moved/lent  `consuming` / `borrowing` RRef<T>, RRefArray<T, N>, RRefDeque<T, N> of an
                      Exchangeable T: Int, Int8...Int64, UInt, UInt8...UInt64, Float, Double,
                      InlineArrays of Exchangeable elements, and public structs of LeafInterfaces
                      declared `: Exchangeable` with their exchangeableTypeID; returned ones move
                      back to the caller
          passed through  `any I` (or `I`) for an interface I of the set: the reference must be a
                      generated proxy (else ownershipViolation), so calls on it cross its own gate

        EXIT STATUS
          0 success, 1 rule violations or out-of-date proxies, 2 bad command line

        """
}
