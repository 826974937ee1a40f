import SwiftSyntax

/// Reads one protocol declaration into an `Interface`, reporting every rule it breaks.
struct ProtocolReader {
    let file: SourceFile
    var classifier: TypeClassifier
    private(set) var diagnostics: [Diagnostic] = []

    init(file: SourceFile, classifier: TypeClassifier) {
        self.file = file
        self.classifier = classifier
    }

    mutating func read(_ p: ProtocolDeclSyntax) -> Interface {
        let name = p.name.text
        if !DeclarationIndex.isPublic(p.modifiers) {
            report(.notPublic, p.protocolKeyword, "interface '\(name)' must be public: LeafProxies, another module, implements it")
        }
        checkInheritance(p)
        if let clause = p.primaryAssociatedTypeClause {
            report(.notAnInterface, clause, "interface '\(name)' has primary associated types: its proxy would be generic")
        }
        if let clause = p.genericWhereClause {
            report(.notAnInterface, clause, "interface '\(name)' has a 'where' clause: an interface inherits only AnyObject")
        }
        var methods: [Method] = []
        var firstLineOfFullName: [String: Int] = [:]
        for member in p.memberBlock.members {
            guard let function = member.decl.as(FunctionDeclSyntax.self) else {
                reportNonMethod(member.decl)
                continue
            }
            if let staticModifier = function.modifiers.first(where: Self.isStatic) {
                report(.staticMember, staticModifier,
                       "static method '\(Self.fullName(of: function))': a static member has no domain to run in; interfaces have instance methods only")
                continue
            }
            guard let method = readMethod(function) else { continue }
            if let line = firstLineOfFullName[method.fullName] {
                report(.ambiguousOverload, function.name,
                       "'\(method.fullName)' has the same name and argument labels as the method at line \(line): the proxy and its callers tell methods apart by name and labels")
            } else {
                firstLineOfFullName[method.fullName] = file.line(of: function.name)
            }
            methods.append(method)
        }
        return Interface(name: name, sourceName: file.sourceName, methods: methods)
    }

    private mutating func checkInheritance(_ p: ProtocolDeclSyntax) {
        let name = p.name.text
        let inherited = p.inheritanceClause?.inheritedTypes.map(\.type) ?? []
        if !inherited.contains(where: { ["AnyObject", "class"].contains($0.trimmedDescription) }) {
            report(.notAnInterface, p.name,
                   "protocol '\(name)' is not class-bound: interfaces are declared 'protocol \(name): AnyObject' (their proxies are classes)")
        }
        for type in inherited where !["AnyObject", "class"].contains(type.trimmedDescription) {
            report(.notAnInterface, type,
                   "interface '\(name)' inherits '\(type.trimmedDescription)': an interface inherits only AnyObject")
        }
    }

    private mutating func reportNonMethod(_ decl: DeclSyntax) {
        if let variable = decl.as(VariableDeclSyntax.self) {
            let name = variable.bindings.first?.pattern.trimmedDescription ?? "?"
            if let staticModifier = variable.modifiers.first(where: Self.isStatic) {
                report(.staticMember, staticModifier,
                       "static property '\(name)': a static member has no domain to run in; interfaces have instance methods only")
            } else {
                report(.property, variable.bindingSpecifier,
                       "property '\(name)': an interface has methods only; write 'func \(name)() throws(RpcError) -> T'")
            }
        } else if let initializer = decl.as(InitializerDeclSyntax.self) {
            report(.unsupportedMember, initializer.initKeyword,
                   "initializer: an interface cannot create its implementation; the domain's entry does (see the proxy's spawn)")
        } else if let subscriptDecl = decl.as(SubscriptDeclSyntax.self) {
            report(.unsupportedMember, subscriptDecl.subscriptKeyword, "subscript: an interface has methods only")
        } else if let associated = decl.as(AssociatedTypeDeclSyntax.self) {
            report(.unsupportedMember, associated.associatedtypeKeyword,
                   "associated type '\(associated.name.text)': the proxy would be generic")
        } else if decl.is(TypeAliasDeclSyntax.self) {
            // Refused wherever it is, with its reason, by HiddenTypeAudit.
        } else {
            report(.unsupportedMember, decl, "only methods may be declared in an interface")
        }
    }

    private mutating func readMethod(_ function: FunctionDeclSyntax) -> Method? {
        let name = function.name.text
        let methodName = Self.fullName(of: function)
        if InterfaceAudit.reservedMethodNames.contains(name) {
            report(.reservedName, function.name, "method name '\(name)' is reserved: the generated proxy declares '\(name)' itself")
        }
        classifier.genericParameters = []
        if let generics = function.genericParameterClause {
            for parameter in generics.parameters {
                let t = parameter.name.text
                classifier.genericParameters.insert(t)
                if parameter.inheritedType == nil && function.genericWhereClause == nil {
                    report(.nonExchangeable, parameter.name,
                           "generic parameter '\(t)' of '\(methodName)' is unconstrained: any type, a class or a closure too, could cross")
                } else {
                    report(.genericMethod, parameter.name,
                           "generic parameter '\(t)' of '\(methodName)': a proxy's call body is a C function and cannot carry type parameters; use a concrete type")
                }
            }
        } else if let clause = function.genericWhereClause {
            report(.genericMethod, clause, "'\(methodName)' has a 'where' clause: interface methods are not generic")
        }
        checkEffects(function, methodName)
        var parameters: [Parameter] = []
        for parameter in function.signature.parameterClause.parameters {
            if let p = readParameter(parameter) { parameters.append(p) }
        }
        var result: ExchangeType? = nil
        if let returned = function.signature.returnClause?.type {
            switch classifier.classify(returned) {
            case .exchangeable(let type): result = type
            case .void, .genericParameter: break
            case .rejected(let node, let rule, let why):
                report(rule, node, rule == .nonExchangeable
                       ? "result of '\(methodName)' has non-exchangeable type '\(returned.trimmedDescription)': \(why)"
                       : rule == .notExchangeablePayload ? "result of '\(methodName)', of type '\(returned.trimmedDescription)': \(why)" : why)
            }
        }
        return Method(name: name, parameters: parameters, result: result)
    }

    private mutating func checkEffects(_ function: FunctionDeclSyntax, _ methodName: String) {
        let effects = function.signature.effectSpecifiers
        if let asyncSpecifier = effects?.asyncSpecifier {
            report(.asyncMethod, asyncSpecifier, "'\(methodName)' is async: a cross-domain call runs synchronously on the caller's thread")
        }
        guard let throwsClause = effects?.throwsClause else {
            report(.missingTypedThrows, function.name,
                   "'\(methodName)' must be declared 'throws(RpcError)': every cross-domain call can fail with RpcError")
            return
        }
        if throwsClause.throwsSpecifier.tokenKind == .keyword(.rethrows) {
            report(.missingTypedThrows, throwsClause.throwsSpecifier,
                   "'\(methodName)' rethrows: an interface method is declared 'throws(RpcError)'")
        } else if let type = throwsClause.type {
            if !["RpcError", "LeafCore.RpcError"].contains(type.trimmedDescription) {
                report(.missingTypedThrows, type,
                       "'\(methodName)' throws '\(type.trimmedDescription)': an interface method is declared 'throws(RpcError)'")
            }
        } else {
            report(.missingTypedThrows, throwsClause.throwsSpecifier,
                   "'\(methodName)' throws an untyped error: declare 'throws(RpcError)' (Embedded Swift has no untyped throws)")
        }
    }

    private mutating func readParameter(_ parameter: FunctionParameterSyntax) -> Parameter? {
        let label = parameter.firstName.tokenKind == .wildcard ? nil : parameter.firstName.text
        let nameToken = parameter.secondName ?? parameter.firstName
        // A label such as `in` is also the parameter's name, which code must then write `` `in` ``.
        let name = Self.keywords.contains(nameToken.text) ? "`\(nameToken.text)`" : nameToken.text
        if nameToken.tokenKind == .wildcard {
            report(.reservedName, nameToken, "parameter needs a name: the proxy stores each argument under its name")
            return nil
        }
        if InterfaceAudit.reservedParameterNames.contains(name) {
            report(.reservedName, nameToken, "parameter name '\(name)' is reserved: the generated proxy uses '\(name)' itself")
        }
        var type = parameter.type
        var ownership = Ownership.none
        if let attributed = type.as(AttributedTypeSyntax.self), attributed.attributes.isEmpty {
            for specifier in attributed.specifiers {
                guard case .simpleTypeSpecifier(let simple) = specifier else {
                    report(.nonExchangeable, specifier, "parameter '\(name)' has a specifier the proxy cannot honour")
                    return nil
                }
                switch simple.specifier.tokenKind {
                case .keyword(.inout):
                    report(.inoutParameter, simple.specifier,
                           "parameter '\(name)' is inout: the callee would write into the caller's memory; return the new value instead")
                    return nil
                case .keyword(.consuming): ownership = .consuming
                case .keyword(.borrowing): ownership = .borrowing
                default:
                    report(.unmarkedOwnership, simple.specifier,
                           "parameter '\(name)': write 'consuming' or 'borrowing' instead of '\(simple.specifier.text)'")
                    return nil
                }
            }
            type = attributed.baseType
        }
        if let ellipsis = parameter.ellipsis {
            report(.nonExchangeable, ellipsis, "parameter '\(name)' is variadic: its arguments arrive as an Array, a reference-counted buffer")
            return nil
        }
        switch classifier.classify(type) {
        case .exchangeable(let exchanged):
            if case .owned(let spelling, _) = exchanged, ownership == .none {
                report(.unmarkedOwnership, type,
                       "parameter '\(name)' of type '\(spelling)' must be marked 'consuming' (moved to the callee) or 'borrowing' (lent for the call)")
                return nil
            }
            return Parameter(label: label, name: name, type: exchanged, ownership: ownership)
        case .void:
            report(.nonExchangeable, type, "parameter '\(name)' has type Void: it carries nothing; remove it")
        case .genericParameter:
            break
        case .rejected(let node, let rule, let why):
            report(rule, node, rule == .nonExchangeable
                   ? "parameter '\(name)' has non-exchangeable type '\(type.trimmedDescription)': \(why)"
                   : rule == .notExchangeablePayload ? "parameter '\(name)', of type '\(type.trimmedDescription)': \(why)" : why)
        }
        return nil
    }

    /// `relay(_:_:_:)`, as written, before the method is read.
    private static func fullName(of function: FunctionDeclSyntax) -> String {
        function.name.text + "(" + function.signature.parameterClause.parameters.map { $0.firstName.text + ":" }.joined() + ")"
    }

    /// Words that must be backquoted to be used as a name in an expression or declaration.
    static let keywords: Set<String> = [
        "as", "associatedtype", "break", "case", "catch", "class", "continue", "default", "defer",
        "deinit", "do", "else", "enum", "extension", "fallthrough", "false", "fileprivate", "for",
        "func", "guard", "if", "import", "in", "init", "inout", "internal", "is", "let", "nil",
        "operator", "private", "protocol", "public", "repeat", "rethrows", "return", "self", "Self",
        "static", "struct", "subscript", "super", "switch", "throw", "throws", "true", "try",
        "typealias", "var", "where", "while", "Any",
    ]

    private static func isStatic(_ modifier: DeclModifierSyntax) -> Bool {
        modifier.name.tokenKind == .keyword(.static) || modifier.name.tokenKind == .keyword(.class)
    }

    private mutating func report(_ rule: Rule, _ node: some SyntaxProtocol, _ message: String) {
        diagnostics.append(file.diagnostic(rule, at: node, message))
    }
}
