import SwiftSyntax

/// Decides whether a written type may cross a domain boundary, and how. The rule of the
/// architecture: BitwiseCopyable values are copied, RRef containers of them are moved or lent,
/// interface references are proxies; nothing else crosses, because anything else could carry
/// a pointer into the memory of the domain that made it.
struct TypeClassifier {
    enum Verdict {
        case exchangeable(ExchangeType)
        /// `Void` or `()`: no value.
        case void
        /// Not exchangeable: the node to point at, the rule, and why.
        case rejected(Syntax, Rule, String)
        /// A method's generic parameter, already reported where it is declared.
        case genericParameter
    }

    let declarations: DeclarationIndex
    /// The generic parameters of the method being audited.
    var genericParameters: Set<String> = []

    /// Integer and floating-point types start a result field at `0`, Bool at `false`.
    static let builtinValues: [String: String] = [
        "Int": "0", "Int8": "0", "Int16": "0", "Int32": "0", "Int64": "0",
        "UInt": "0", "UInt8": "0", "UInt16": "0", "UInt32": "0", "UInt64": "0",
        "Float": "0", "Double": "0", "Bool": "false",
    ]

    static let ownedContainers: [String: Int] = ["RRef": 1, "RRefArray": 2, "RRefDeque": 2]

    /// Well-known types that are not exchangeable, with the reason.
    static let knownRejections: [String: String] = {
        var reasons: [String: String] = [:]
        let buffer = "is a reference-counted buffer in the caller's heap"
        reasons["String"] = "a String \(buffer); pass bytes in an RRefArray<UInt8, N> or a BitwiseCopyable struct"
        reasons["Substring"] = reasons["String"]
        reasons["Character"] = "a Character may hold a reference-counted string; pass a code point as UInt32"
        for name in ["Array", "ContiguousArray", "ArraySlice"] {
            reasons[name] = "an Array \(buffer); pass elements in an RRefArray<T, N> or RRefDeque<T, N>"
        }
        reasons["Set"] = "a Set \(buffer); pass elements in an RRefArray<T, N> or RRefDeque<T, N>"
        reasons["Dictionary"] = "a Dictionary \(buffer); pass entries in an RRefArray<T, N> of a BitwiseCopyable struct"
        for name in ["UnsafePointer", "UnsafeMutablePointer", "UnsafeRawPointer", "UnsafeMutableRawPointer",
                     "UnsafeBufferPointer", "UnsafeMutableBufferPointer", "UnsafeRawBufferPointer",
                     "UnsafeMutableRawBufferPointer", "OpaquePointer", "AutoreleasingUnsafeMutablePointer", "Unmanaged"] {
            reasons[name] = "a pointer reaches into memory that the other domain does not own"
        }
        reasons["Any"] = "'Any' is an existential that may hold a class, a closure or a buffer"
        reasons["AnyObject"] = "'AnyObject' is a class reference; only interface references (proxies) cross"
        reasons["AnyClass"] = "a metatype does not cross"
        reasons["Self"] = "'Self' is the implementation's own class"
        return reasons
    }()

    func classify(_ type: TypeSyntax) -> Verdict {
        if let identifier = type.as(IdentifierTypeSyntax.self) {
            return classifyNamed(identifier.name.text, identifier.genericArgumentClause, node: Syntax(identifier))
        }
        if let member = type.as(MemberTypeSyntax.self) {
            // `Swift.Int`, `LeafCore.RRef<Int>`: the module prefix changes nothing.
            if ["Swift", "LeafCore", "LeafInterfaces"].contains(member.baseType.trimmedDescription) {
                return classifyNamed(member.name.text, member.genericArgumentClause, node: Syntax(member))
            }
            return .rejected(Syntax(member), .nonExchangeable, unknown(member.trimmedDescription))
        }
        if let optional = type.as(OptionalTypeSyntax.self) {
            return classifyOptional(wrapped: optional.wrappedType, node: Syntax(optional))
        }
        if let tuple = type.as(TupleTypeSyntax.self) {
            if tuple.elements.isEmpty { return .void }
            if tuple.elements.count == 1, let only = tuple.elements.first, only.firstName == nil {
                return classify(only.type)
            }
            return .rejected(Syntax(tuple), .nonExchangeable, "a tuple is not exchangeable; declare a BitwiseCopyable struct")
        }
        if let existential = type.as(SomeOrAnyTypeSyntax.self) {
            return classifyExistential(existential)
        }
        if type.is(FunctionTypeSyntax.self) {
            return .rejected(Syntax(type), .nonExchangeable, "a closure carries code and captured state of the caller's domain")
        }
        if let attributed = type.as(AttributedTypeSyntax.self) {
            if attributed.baseType.is(FunctionTypeSyntax.self) { return classify(attributed.baseType) }
            return .rejected(Syntax(attributed), .nonExchangeable, "a type with attributes or modifiers is not exchangeable here")
        }
        if type.is(ArrayTypeSyntax.self) { return .rejected(Syntax(type), .nonExchangeable, Self.knownRejections["Array"]!) }
        if type.is(DictionaryTypeSyntax.self) { return .rejected(Syntax(type), .nonExchangeable, Self.knownRejections["Dictionary"]!) }
        if let inline = type.as(InlineArrayTypeSyntax.self) {
            return classifyInlineArray(count: inline.count.argument, element: inline.element.argument, node: Syntax(inline))
        }
        if type.is(MetatypeTypeSyntax.self) { return .rejected(Syntax(type), .nonExchangeable, "a metatype does not cross") }
        if type.is(CompositionTypeSyntax.self) {
            return .rejected(Syntax(type), .nonExchangeable, "a protocol composition is an existential that is not an interface")
        }
        if type.is(ImplicitlyUnwrappedOptionalTypeSyntax.self) {
            return .rejected(Syntax(type), .nonExchangeable, "an implicitly unwrapped optional is not exchangeable; use '?'")
        }
        return .rejected(Syntax(type), .nonExchangeable, "this kind of type is not exchangeable")
    }

    private func classifyNamed(_ name: String, _ arguments: GenericArgumentClauseSyntax?, node: Syntax) -> Verdict {
        if genericParameters.contains(name) { return .genericParameter }
        if let zero = Self.builtinValues[name], arguments == nil { return .exchangeable(.value(spelling: name, zero: zero)) }
        if name == "Void", arguments == nil { return .void }
        if let arity = Self.ownedContainers[name] { return classifyOwned(name, arity: arity, arguments, node: node) }
        if name == "Optional", let only = arguments?.arguments.first, arguments?.arguments.count == 1,
           case .type(let wrapped) = only.argument {
            return classifyOptional(wrapped: wrapped, node: node)
        }
        if name == "InlineArray", let list = arguments?.arguments, list.count == 2 {
            return classifyInlineArray(count: list.first!.argument, element: list.last!.argument, node: node)
        }
        if let reason = Self.knownRejections[name] { return .rejected(node, .nonExchangeable, reason) }
        guard let entry = declarations[name] else { return .rejected(node, .nonExchangeable, unknown(name)) }
        switch entry.kind {
        case .protocolType(let classBound):
            // A bare protocol name is an existential, as `any P` is.
            return classBound ? interfaceReference(name, entry, node: node)
                : .rejected(node, .nonExchangeable, notClassBound(name))
        case .bitwiseValue:
            guard arguments == nil else { return .rejected(node, .nonExchangeable, "generic value types are not exchangeable") }
            guard entry.isPublic else { return .rejected(node, .notPublic, "type '\(name)' must be public: LeafProxies, another module, copies it") }
            return .exchangeable(.value(spelling: name, zero: nil))
        case .otherValue:
            return .rejected(node, .nonExchangeable, "'\(name)' is not marked BitwiseCopyable, so it may hold references; declare it ': BitwiseCopyable'")
        case .reference:
            return .rejected(node, .nonExchangeable, "'\(name)' is a class: its instances live in one domain's heap; only interface references (proxies) cross")
        }
    }

    private func classifyOwned(_ name: String, arity: Int, _ arguments: GenericArgumentClauseSyntax?, node: Syntax) -> Verdict {
        guard let list = arguments?.arguments, list.count == arity else {
            let form = arity == 1 ? "\(name)<T>" : "\(name)<T, N>"
            return .rejected(node, .nonExchangeable, "\(name) is written \(form)")
        }
        guard case .type(let element) = list.first!.argument else {
            return .rejected(node, .nonExchangeable, "the element of \(name) must be a type")
        }
        let elementSpelling: String
        let verdict = classify(element)
        if case .rejected = verdict, let tuple = Self.tuple(in: element) {
            // Copyable or not, a tuple has no identity; say so rather than what else is wrong with it.
            return .rejected(Syntax(tuple), .notExchangeablePayload,
                             "its payload '\(element.trimmedDescription)' is not Exchangeable: \(Self.tupleIsNotExchangeable)")
        }
        switch verdict {
        case .exchangeable(.value(let spelling, _)):
            if let (at, why) = exchangeableProblem(element) {
                return .rejected(at, .notExchangeablePayload,
                                 "its payload '\(element.trimmedDescription)' is not Exchangeable: \(why)")
            }
            elementSpelling = spelling
        case .rejected(let at, let rule, let why) where rule == .notPublic: return .rejected(at, rule, why)
        case .genericParameter: return .genericParameter
        default:
            return .rejected(Syntax(element), .nonExchangeable,
                             "the element of \(name) must be a BitwiseCopyable value, not '\(element.trimmedDescription)'")
        }
        var spelling = "\(name)<\(elementSpelling)"
        if arity == 2 {
            guard let capacity = integerLiteral(list.last!.argument) else {
                return .rejected(Syntax(list.last!), .nonExchangeable, "the capacity of \(name) must be an integer literal")
            }
            spelling += ", \(capacity)"
        }
        return .exchangeable(.owned(spelling: spelling + ">", container: name))
    }

    /// The SDK's Exchangeable primitives (every bit pattern of them is a valid value).
    static let exchangeablePrimitives: Set<String> = [
        "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64", "Float", "Double",
    ]

    /// Why a value type that may be copied is still not `Exchangeable` (so neither an RRef
    /// payload nor a field of an Exchangeable struct), and the node to point at; nil when it is:
    /// an SDK primitive, an InlineArray of exchangeable elements, or a struct of the interface
    /// files that declares `Exchangeable`. Call it on types `classify` accepts as values.
    func exchangeableProblem(_ type: TypeSyntax) -> (Syntax, String)? {
        if let identifier = type.as(IdentifierTypeSyntax.self) {
            return namedProblem(identifier.name.text, identifier.genericArgumentClause, node: Syntax(identifier))
        }
        if let member = type.as(MemberTypeSyntax.self) {
            return namedProblem(member.name.text, member.genericArgumentClause, node: Syntax(member))
        }
        if type.is(OptionalTypeSyntax.self) { return (Syntax(type), Self.optionalIsNotExchangeable) }
        if let tuple = type.as(TupleTypeSyntax.self) {
            if tuple.elements.count == 1, let only = tuple.elements.first, only.firstName == nil {
                return exchangeableProblem(only.type)
            }
            return (Syntax(type), Self.tupleIsNotExchangeable)
        }
        if let inline = type.as(InlineArrayTypeSyntax.self), case .type(let element) = inline.element.argument {
            return exchangeableProblem(element)
        }
        return (Syntax(type), "it has no type identity (no exchangeableTypeID)")
    }

    private func namedProblem(_ name: String, _ arguments: GenericArgumentClauseSyntax?, node: Syntax) -> (Syntax, String)? {
        if Self.exchangeablePrimitives.contains(name), arguments == nil { return nil }
        if name == "Bool" {
            return (node, "a Bool has two valid bit patterns of 256: a byte the receiver reads as a Bool could be an invalid one; carry a UInt8")
        }
        if name == "Optional" { return (node, Self.optionalIsNotExchangeable) }
        if name == "InlineArray", let list = arguments?.arguments, list.count == 2, case .type(let element) = list.last!.argument {
            return exchangeableProblem(TypeSyntax(element))
        }
        guard let entry = declarations[name], entry.kind == .bitwiseValue else {
            return (node, "'\(name)' has no type identity (no exchangeableTypeID)")
        }
        if entry.isEnum {
            return (node, "'\(name)' is an enum: a byte the receiver reads as one could be an invalid bit pattern, none of its cases; carry its raw value")
        }
        if entry.declaresExchangeable { return nil }
        return (node, "'\(name)' is only BitwiseCopyable, and type identity requires the IDL's ID: declare it ': Exchangeable' with "
                + "'static var exchangeableTypeID: UInt64 { \(ExchangeableAudit.literal(ExchangeableAudit.typeID(of: name))) }'")
    }

    /// A tuple of several (or labeled) elements that is `type` or the element of its InlineArrays.
    private static func tuple(in type: TypeSyntax) -> TupleTypeSyntax? {
        if let tuple = type.as(TupleTypeSyntax.self) {
            if tuple.elements.count == 1, let only = tuple.elements.first, only.firstName == nil { return Self.tuple(in: only.type) }
            return tuple.elements.isEmpty ? nil : tuple
        }
        if let inline = type.as(InlineArrayTypeSyntax.self), case .type(let element) = inline.element.argument {
            return Self.tuple(in: element)
        }
        if let named = type.as(IdentifierTypeSyntax.self), named.name.text == "InlineArray",
           let list = named.genericArgumentClause?.arguments, list.count == 2, case .type(let element) = list.last!.argument {
            return Self.tuple(in: TypeSyntax(element))
        }
        return nil
    }

    static let optionalIsNotExchangeable =
        "an Optional's tag could be an invalid bit pattern when the receiver reads it; carry a count or an integer flag"
    static let tupleIsNotExchangeable =
        "a tuple has no type identity (no exchangeableTypeID); declare a struct ': Exchangeable' in the IDL"

    private func classifyOptional(wrapped: TypeSyntax, node: Syntax) -> Verdict {
        switch classify(wrapped) {
        case .exchangeable(.value(let spelling, _)):
            return .exchangeable(.value(spelling: spelling + "?", zero: "nil"))
        case .exchangeable:
            return .rejected(node, .nonExchangeable, "an optional RRef or interface reference is not exchangeable; use a separate method")
        case .void:
            return .rejected(node, .nonExchangeable, "an optional Void carries nothing")
        case .rejected(let at, let rule, let why):
            return .rejected(at, rule, why)
        case .genericParameter:
            return .genericParameter
        }
    }

    private func classifyInlineArray(count: GenericArgumentSyntax.Argument, element: GenericArgumentSyntax.Argument, node: Syntax) -> Verdict {
        guard let n = integerLiteral(count), case .type(let elementType) = element else {
            return .rejected(node, .nonExchangeable, "an InlineArray needs an integer literal count and an element type")
        }
        switch classify(elementType) {
        case .exchangeable(.value(let spelling, _)):
            return .exchangeable(.value(spelling: "InlineArray<\(n), \(spelling)>", zero: nil))
        case .rejected(let at, let rule, let why):
            return .rejected(at, rule, why)
        case .genericParameter:
            return .genericParameter
        default:
            return .rejected(Syntax(elementType), .nonExchangeable, "the elements of an InlineArray must be BitwiseCopyable values")
        }
    }

    private func classifyExistential(_ existential: SomeOrAnyTypeSyntax) -> Verdict {
        let node = Syntax(existential)
        let constraint = existential.constraint.trimmedDescription
        if existential.someOrAnySpecifier.tokenKind == .keyword(.some) {
            return .rejected(node, .nonExchangeable, "'some \(constraint)' is an opaque generic parameter; name an interface with 'any'")
        }
        if let entry = declarations[constraint], case .protocolType(let classBound) = entry.kind {
            return classBound ? interfaceReference(constraint, entry, node: node)
                : .rejected(node, .nonExchangeable, notClassBound(constraint))
        }
        return .rejected(node, .nonExchangeable,
                         "'any \(constraint)' is not an interface of this set: such an existential may hold a class, a closure or a buffer")
    }

    private func interfaceReference(_ name: String, _ entry: DeclarationIndex.Entry, node: Syntax) -> Verdict {
        guard entry.isPublic else { return .rejected(node, .notPublic, "interface '\(name)' must be public: LeafProxies, another module, implements it") }
        return .exchangeable(.interface(name: name))
    }

    private func integerLiteral(_ argument: GenericArgumentSyntax.Argument) -> Int? {
        let text: String
        switch argument {
        case .expr(let expr):
            guard let literal = expr.as(IntegerLiteralExprSyntax.self) else { return nil }
            text = literal.literal.text
        case .type(let type):
            text = type.trimmedDescription
        }
        return Int(String(text.filter { $0 != "_" }))
    }

    private func notClassBound(_ name: String) -> String {
        "'\(name)' is not class-bound, so 'any \(name)' may hold a value with references; interfaces are declared ': AnyObject'"
    }

    private func unknown(_ name: String) -> String {
        "'\(name)' is not known to be exchangeable: declare it in LeafInterfaces as a public struct or enum marked ': BitwiseCopyable'"
    }
}
