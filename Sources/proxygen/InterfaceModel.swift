/// What proxygen knows about the interfaces once they have passed the audit: everything the
/// proxy writer and the explainer need, and nothing of the syntax tree.
public struct Interface: Equatable, Sendable {
    /// The protocol's name, e.g. `Probe`.
    public var name: String
    /// Where it was declared, as printed in the generated header (`LeafInterfaces/Probe.swift`).
    public var sourceName: String
    public var methods: [Method]

    public var proxyName: String { name + "Proxy" }
    public var proxyFileName: String { proxyName + ".swift" }
}

public struct Method: Equatable, Sendable {
    public var name: String
    public var parameters: [Parameter]
    /// nil for a method returning nothing.
    public var result: ExchangeType?

    /// The name callers know it by, e.g. `relay(_:_:_:)`.
    public var fullName: String {
        name + "(" + parameters.map { ($0.label ?? "_") + ":" }.joined() + ")"
    }
}

public struct Parameter: Equatable, Sendable {
    /// The argument label, or nil for `_`.
    public var label: String?
    /// The name inside the method; also the field of the call's argument record.
    public var name: String
    public var type: ExchangeType
    public var ownership: Ownership

    /// How the proxy hands this argument to the callee.
    public var passing: Passing {
        switch type {
        case .value: .copied
        case .interface: .passedThrough
        case .owned: ownership == .borrowing ? .lent : .moved
        }
    }
}

/// The ownership modifier written on a parameter.
public enum Ownership: String, Equatable, Sendable {
    case none = ""
    case consuming
    case borrowing
}

/// How an argument crosses the boundary.
public enum Passing: Equatable, Sendable {
    /// A BitwiseCopyable value: copied into the call's argument record.
    case copied
    /// A `consuming` RRef, RRefArray or RRefDeque: its object's owner becomes the callee.
    case moved
    /// A `borrowing` one: its object is lent for the duration of the call (borrow count).
    case lent
    /// An interface reference: the proxy itself is handed over (see `ProxyWriter`).
    case passedThrough
}

/// A type that may cross a domain boundary.
public enum ExchangeType: Equatable, Sendable {
    /// A BitwiseCopyable value type, spelled as written; `zero` is a literal the result field can
    /// start with (numbers and Bool), or nil when the field is an Optional instead.
    case value(spelling: String, zero: String?)
    /// A shared-heap reference: `RRef<T>`, `RRefArray<T, N>` or `RRefDeque<T, N>`.
    case owned(spelling: String, container: String)
    /// A reference to another (or the same) interface, e.g. `any Probe`.
    case interface(name: String)

    /// How the type is written in generated code.
    public var spelling: String {
        switch self {
        case .value(let spelling, _), .owned(let spelling, _): spelling
        case .interface(let name): "any " + name
        }
    }
}
