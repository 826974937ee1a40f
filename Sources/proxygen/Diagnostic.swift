/// One violation of the interface rules (`Rule`) or of the domain rules (`DomainRule`), printed
/// the way compilers print errors so editors and CI logs can jump to it:
/// `file:line:column: error: message [rule]`.
public struct Diagnostic: Equatable, Comparable, CustomStringConvertible, Sendable {
    public let file: String
    public let line: Int
    public let column: Int
    /// The rule's name, as printed in brackets.
    public let rule: String
    public let message: String

    public init(file: String, line: Int, column: Int, rule: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.rule = rule
        self.message = message
    }

    public var description: String { "\(file):\(line):\(column): error: \(message) [\(rule)]" }

    /// Source order, so output is deterministic however the checks are ordered.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        (a.file, a.line, a.column, a.rule, a.message) < (b.file, b.line, b.column, b.rule, b.message)
    }
}

/// The rules an interface file is audited against. The raw value is the name printed in brackets.
public enum Rule: String, CaseIterable, Sendable {
    /// The file does not parse.
    case syntaxError = "syntax-error"
    /// A parameter or result type that cannot cross a domain boundary.
    case nonExchangeable = "non-exchangeable"
    /// An `inout` parameter: the callee would write into the caller's memory.
    case inoutParameter = "inout-parameter"
    /// An RRef parameter without `consuming` or `borrowing`.
    case unmarkedOwnership = "unmarked-ownership"
    /// A method that does not throw exactly `RpcError`.
    case missingTypedThrows = "missing-typed-throws"
    /// An `async` method.
    case asyncMethod = "async-method"
    /// A property requirement.
    case property = "property"
    /// A `static` or `class` requirement.
    case staticMember = "static-member"
    /// Two methods with the same name and argument labels.
    case ambiguousOverload = "ambiguous-overload"
    /// A name the generated proxy uses itself.
    case reservedName = "reserved-name"
    /// A generic method (the call body is a C function and cannot carry type parameters).
    case genericMethod = "generic-method"
    /// An initializer, subscript, associated type or other member that is not a method.
    case unsupportedMember = "unsupported-member"
    /// A protocol that is not class-bound, inherits another protocol, or is generic.
    case notAnInterface = "not-an-interface"
    /// An interface or exchanged type that LeafProxies (another module) cannot see.
    case notPublic = "not-public"
    /// Two declarations of the same interface or type name.
    case duplicateName = "duplicate-name"
    /// A stored property of a value type without a type annotation: its inferred type is unchecked.
    case unannotatedProperty = "unannotated-property"
    /// A stored property of a value type with `willSet` or `didSet`.
    case observedProperty = "observed-property"
    /// A `typealias`: a name that may mean another type than it says.
    case typeAlias = "typealias"
    /// A function type anywhere in an interface file.
    case functionType = "function-type"
    /// The payload of an RRef, RRefArray or RRefDeque that is not `Exchangeable`: Bool, an enum,
    /// an Optional, a tuple, or a struct that is only BitwiseCopyable.
    case notExchangeablePayload = "not-exchangeable-payload"
    /// A stored field of an `Exchangeable` struct that is not itself exchangeable.
    case exchangeableField = "exchangeable-field"
    /// An `Exchangeable` struct whose `exchangeableTypeID` is missing, not one integer literal,
    /// or not the FNV-1a hash of its qualified name; or a generic one (one ID for every instance).
    case exchangeableTypeID = "exchangeable-type-id"
    /// Two types with the same `exchangeableTypeID`.
    case duplicateTypeID = "duplicate-type-id"
    /// A conformance to `Exchangeable` by anything but a top-level struct of the interface files:
    /// an enum, a class, a nested type, or a type declared elsewhere (such as Bool).
    case exchangeableNotStruct = "exchangeable-not-struct"
}
