import SwiftSyntax

/// Checks a domain's Swift files against the domain rules (`DomainRule`). The checks are
/// syntactic and deliberately broad: every token of the file is looked at, not only the
/// declarations, because an unsafe type or function is as dangerous in a generic argument, a
/// cast or a closure as in a stored property.
public enum DomainAudit {
    /// The only modules a domain may import.
    static let allowedImports: Set<String> = ["LeafInterfaces", "LeafSDK", "Swift"]

    public static func audit(_ files: [SourceFile]) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var parsed: [SourceFile] = []
        for file in files {
            let syntax = SyntaxErrors.find(in: file)
            if syntax.isEmpty { parsed.append(file) } else { diagnostics += syntax }
        }
        // Names the domain declares, in any file: its enums' cases (a global may be one) and
        // every declared name (an underscored name may be one of them).
        let names = DomainNames(files: parsed)
        for file in parsed {
            let walker = DomainWalker(file: file, names: names)
            walker.walk(file.tree)
            diagnostics += walker.diagnostics
        }
        var seen: Set<String> = []
        return diagnostics.filter { seen.insert($0.description).inserted }.sorted()
    }

    /// `UnsafePointer`, `UnsafeMutableRawBufferPointer`, `Unmanaged`, and `_Pointer` (the protocol of all pointers)...
    static func isUnsafeTypeName(_ name: String) -> Bool {
        name.hasPrefix("Unsafe") || ["Unmanaged", "OpaquePointer", "AutoreleasingUnsafeMutablePointer", "CVaListPointer", "_Pointer"].contains(name)
    }

    /// `unsafeBitCast`, `withUnsafeBytes`, `unsafelyUnwrapped`, `_unsafeReferenceCast`, and the
    /// functions that hand a closure a buffer pointer whose type need not be written...
    static func isUnsafeFunctionName(_ name: String) -> Bool {
        let bare = name.drop { $0 == "_" }
        return bare.hasPrefix("unsafe") || bare.hasPrefix("withUnsafe") || pointerHandingFunctions.contains(String(bare))
    }

    static let pointerHandingFunctions: Set<String> = [
        "withContiguousStorageIfAvailable", "withContiguousMutableStorageIfAvailable", "withUTF8", "withCString",
        "withMemoryRebound", "withVaList",
    ]

    /// Names that read a value's fields by layout, or a reference's address.
    static let reflectionNames: Set<String> = [
        "Mirror", "CustomReflectable", "CustomLeafReflectable", "dump", "debugPrint", "reflecting", "_forEachField", "ObjectIdentifier",
    ]

    /// Names of the machinery that runs code on other threads or at other times.
    static let concurrencyNames: Set<String> = [
        "Task", "TaskGroup", "ThrowingTaskGroup", "DiscardingTaskGroup", "ThrowingDiscardingTaskGroup",
        "withTaskGroup", "withThrowingTaskGroup", "withDiscardingTaskGroup", "withThrowingDiscardingTaskGroup",
        "withTaskCancellationHandler", "withTaskPriorityEscalationHandler", "withTaskExecutorPreference",
        "withCheckedContinuation", "withCheckedThrowingContinuation", "CheckedContinuation", "TaskLocal", "TaskPriority",
        "AsyncStream", "AsyncThrowingStream", "DispatchQueue", "DispatchGroup", "Thread",
        "Executor", "SerialExecutor", "TaskExecutor", "ExecutorJob", "UnownedJob", "UnownedSerialExecutor",
        "MainActor", "Actor", "AnyActor", "GlobalActor",
    ]

    /// The standard types whose literals the standard library builds, with no heap.
    static let scalarTypeNames: Set<String> = [
        "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64",
        "Double", "Float", "Bool", "String", "StaticString", "Character",
    ]
}

/// What the audited files declare: the payload-free cases of each enum (by the enum's simple
/// name) and every declared name, at any depth.
private struct DomainNames {
    private(set) var enumCases: [String: Set<String>] = [:]
    private(set) var declared: Set<String> = []

    init(files: [SourceFile]) {
        final class Collector: SyntaxVisitor {
            var enumCases: [String: Set<String>] = [:]
            var declared: Set<String> = []
            func add(_ token: TokenSyntax?) {
                guard let token else { return }
                let text = token.text
                declared.insert(text.hasPrefix("`") ? String(text.dropFirst().dropLast()) : text)
            }
            override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
                add(node.name)
                var cases: Set<String> = enumCases[node.name.text] ?? []
                for member in node.memberBlock.members {
                    for element in member.decl.as(EnumCaseDeclSyntax.self)?.elements ?? [] where element.parameterClause == nil {
                        cases.insert(element.name.text)
                    }
                }
                enumCases[node.name.text] = cases
                return .visitChildren
            }
            override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: ProtocolDeclSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: AssociatedTypeDeclSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: FunctionDeclSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: EnumCaseElementSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: GenericParameterSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: IdentifierPatternSyntax) -> SyntaxVisitorContinueKind { add(node.identifier); return .visitChildren }
            override func visit(_ node: FunctionParameterSyntax) -> SyntaxVisitorContinueKind {
                add(node.firstName); add(node.secondName); return .visitChildren
            }
            override func visit(_ node: EnumCaseParameterSyntax) -> SyntaxVisitorContinueKind {
                add(node.firstName); add(node.secondName); return .visitChildren
            }
            override func visit(_ node: ClosureParameterSyntax) -> SyntaxVisitorContinueKind {
                add(node.firstName); add(node.secondName); return .visitChildren
            }
            override func visit(_ node: ClosureShorthandParameterSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            override func visit(_ node: ClosureCaptureSyntax) -> SyntaxVisitorContinueKind { add(node.name); return .visitChildren }
            /// A property wrapper declares `_name` (its storage) for `name`.
            override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
                let wrapped = node.attributes.contains { $0.as(AttributeSyntax.self)?.attributeName.trimmedDescription.first?.isUppercase == true }
                if wrapped {
                    for binding in node.bindings {
                        if let name = binding.pattern.as(IdentifierPatternSyntax.self)?.identifier.text { declared.insert("_" + name) }
                    }
                }
                return .visitChildren
            }
        }
        let collector = Collector(viewMode: .sourceAccurate)
        for file in files { collector.walk(file.tree) }
        enumCases = collector.enumCases
        declared = collector.declared
        declared.remove("_")
    }
}

/// One pass over one file: attributes, modifiers, imports, variables, conformances and every
/// identifier token.
private final class DomainWalker: SyntaxVisitor {
    let file: SourceFile
    let names: DomainNames
    var diagnostics: [Diagnostic] = []

    init(file: SourceFile, names: DomainNames) {
        self.file = file
        self.names = names
        super.init(viewMode: .sourceAccurate)
    }

    private func report(_ rule: DomainRule, _ node: some SyntaxProtocol, _ message: String) {
        diagnostics.append(file.diagnostic(rule, at: node, message))
    }

    // MARK: Imports

    override func visit(_ node: ImportDeclSyntax) -> SyntaxVisitorContinueKind {
        let module = node.path.first?.name.text ?? ""
        let written = node.path.map(\.name.text).joined(separator: ".")
        if !DomainAudit.allowedImports.contains(module) {
            report(.forbiddenImport, node.path, "import of '\(written)': a domain imports only LeafInterfaces and LeafSDK")
        } else if let kind = node.importKindSpecifier {
            report(.forbiddenImport, kind, "'import \(kind.text) \(written)': a domain imports whole modules only ('import \(module)')")
        } else if node.path.count > 1 {
            report(.forbiddenImport, node.path, "import of submodule '\(written)': a domain imports whole modules only ('import \(module)')")
        }
        return .visitChildren // the attributes (@testable...) are checked where attributes are
    }

    // MARK: Attributes

    static let foreignSymbolAttributes: Set<String> = ["_silgen_name", "_cdecl", "c", "_extern"]
    static let privateAccessAttributes: Set<String> = ["testable", "_spi", "_spiOnly", "_implementationOnly", "_private"]
    static let binaryPlacementAttributes: Set<String> = ["section", "_section", "used", "_used", "abi", "export", "_expose"]
    static let concurrencyAttributes: Set<String> = ["globalActor", "concurrent", "isolated", "_unsafeInheritExecutor", "_inheritActorContext"]

    override func visit(_ node: AttributeSyntax) -> SyntaxVisitorContinueKind {
        let name = node.attributeName.trimmedDescription
        guard let first = name.first, first.isLowercase || first == "_" else {
            // A property wrapper, result builder, macro or global actor: its name and arguments
            // are ordinary code, checked token by token.
            return .visitChildren
        }
        let written = node.trimmedDescription
        switch name {
        case "unsafe":
            report(.unsafeKeyword, node, "'@unsafe': a domain may not declare its own code unsafe")
        case "safe":
            report(.unsafeKeyword, node, "'@safe' vouches that unsafe code is safe; a domain has no one to vouch for it")
        case "unchecked":
            report(.uncheckedAttribute, node, "'@unchecked': the compiler no longer checks that this type is safe to share between threads")
        case "exclusivity" where node.arguments?.trimmedDescription.contains("unchecked") == true:
            report(.uncheckedAttribute, node, "'\(written)' turns off the exclusive-access checks")
        case _ where Self.foreignSymbolAttributes.contains(name):
            report(.foreignSymbol, node, "'\(written)' binds a declaration to a symbol by name, outside the proxies and the type checker")
        case _ where Self.privateAccessAttributes.contains(name):
            report(.privateAccess, node, "'\(written)' reaches declarations a module did not make public")
        case "preconcurrency":
            report(.privateAccess, node, "'\(written)' silences the concurrency checks for what it marks")
        case _ where Self.binaryPlacementAttributes.contains(name):
            report(.binaryPlacement, node, "'\(written)' places a declaration's bytes or symbol in the binary by hand")
        case _ where Self.concurrencyAttributes.contains(name):
            report(.concurrency, node, "'\(written)' runs code on an actor or executor, outside the call gate")
        case _ where name.hasPrefix("_"):
            report(.underscoredAttribute, node, "'\(written)' is a compiler internal with no safety promise")
        default:
            break
        }
        // The arguments of a built-in attribute are names and strings, not code.
        return .skipChildren
    }

    // MARK: unowned(unsafe), nonisolated(unsafe)

    override func visit(_ node: DeclModifierSyntax) -> SyntaxVisitorContinueKind {
        if node.name.tokenKind == .keyword(.async) {
            report(.concurrency, node, "'async let' runs a child task on another thread, outside the call gate")
        } else if node.name.tokenKind == .keyword(.nonisolated), node.detail?.detail.text != "unsafe" {
            report(.concurrency, node, "'\(node.trimmedDescription)' only has a meaning with actors, which run outside the call gate")
        }
        if node.detail?.detail.text == "unsafe" {
            switch node.name.tokenKind {
            case .keyword(.unowned):
                report(.unownedUnsafe, node, "'unowned(unsafe)' is an unretained, unchecked reference: it dangles once its object is freed")
            case .keyword(.nonisolated):
                report(.nonisolatedUnsafe, node, "'nonisolated(unsafe)' exempts this variable from data-race checking")
            default:
                break
            }
        }
        return .skipChildren
    }

    override func visit(_ node: ClosureCaptureSpecifierSyntax) -> SyntaxVisitorContinueKind {
        if node.specifier.tokenKind == .keyword(.unowned), node.detail?.tokenKind == .keyword(.unsafe) {
            report(.unownedUnsafe, node, "'unowned(unsafe)' capture: an unretained, unchecked reference that dangles once its object is freed")
        }
        return .skipChildren
    }

    // MARK: Globals and statics

    override func visit(_ node: VariableDeclSyntax) -> SyntaxVisitorContinueKind {
        let isStatic = node.modifiers.contains { [.keyword(.static), .keyword(.class)].contains($0.name.tokenKind) }
        let scope = Self.scope(of: Syntax(node))
        guard scope == .global || (scope == .member && isStatic) else { return .visitChildren }
        let what = scope == .global ? "global" : "static"
        let isVar = node.bindingSpecifier.tokenKind == .keyword(.var)
        let isLazy = node.modifiers.contains { $0.name.tokenKind == .keyword(.lazy) }
        for binding in node.bindings {
            let name = binding.pattern.trimmedDescription
            if isLazy {
                report(.mutableGlobal, node.bindingSpecifier, "lazy \(what) '\(name)': state outside the domain's objects survives its teardown")
            } else if isVar, Self.isStoredOrSettable(binding) {
                report(.mutableGlobal, node.bindingSpecifier,
                       "mutable \(what) '\(name)': state outside the domain's objects survives its teardown; keep it in the domain's instance")
            } else if !isVar, let problem = initializerProblem(binding) {
                report(.globalInitializer, binding.pattern,
                       "\(what) '\(name)' is initialized by \(problem): a global is created in the domain's heap the first time it is used and outlives the domain's teardown, pointing into freed pages afterwards")
            }
        }
        return .visitChildren
    }

    enum Scope { case global, member, local }

    /// Whether a variable is at file level, a member of a type, or local to code.
    static func scope(of node: Syntax) -> Scope {
        var current = node.parent
        while let here = current {
            if here.is(SourceFileSyntax.self) { return .global }
            if here.is(MemberBlockSyntax.self) { return .member }
            if here.is(CodeBlockSyntax.self) || here.is(ClosureExprSyntax.self) || here.is(AccessorBlockSyntax.self) { return .local }
            current = here.parent
        }
        return .local
    }

    /// Stored (with or without observers) or with a setter: only a get-only computed variable is constant.
    static func isStoredOrSettable(_ binding: PatternBindingSyntax) -> Bool {
        guard let block = binding.accessorBlock else { return true }
        guard case .accessors(let accessors) = block.accessors else { return false } // `{ ... }` is a getter
        return accessors.contains { accessor in
            !["get", "_read", "read"].contains(accessor.accessorSpecifier.text)
        }
    }

    /// What keeps a `let`'s initializer from being a constant that needs no heap, or nil.
    private func initializerProblem(_ binding: PatternBindingSyntax) -> String? {
        guard let value = binding.initializer?.value else { return "code that runs later (it has no initial value)" }
        return constantProblem(value, type: binding.typeAnnotation?.type)
    }

    private func constantProblem(_ value: ExprSyntax, type: TypeSyntax?) -> String? {
        if let member = value.as(MemberAccessExprSyntax.self) {
            let enumName = member.base.map { $0.as(DeclReferenceExprSyntax.self).flatMap { $0.argumentNames == nil ? $0.baseName.text : nil } }
                ?? type.flatMap(Self.enumName)
            let caseName = member.declName.baseName.text
            guard member.declName.argumentNames == nil, let enumName, names.enumCases[enumName]?.contains(caseName) == true else {
                return "'\(value.trimmedDescription)', which is not a payload-free case of an enum the audited files declare"
            }
            return nil
        }
        if value.is(NilLiteralExprSyntax.self), type?.is(OptionalTypeSyntax.self) == true { return nil }
        if let tuple = value.as(TupleExprSyntax.self) {
            let types = type?.as(TupleTypeSyntax.self).map { Array($0.elements.map(\.type)) }
            if let types, types.count != tuple.elements.count { return "a tuple of another shape than its type" }
            if types == nil, let type, !Self.isScalar(type) { return "a tuple of type '\(type.trimmedDescription)'" }
            for (index, element) in tuple.elements.enumerated() {
                if let problem = constantProblem(element.expression, type: types?[index]) { return problem }
            }
            return nil
        }
        if let type, !Self.isScalar(type), value.is(IntegerLiteralExprSyntax.self) || value.is(FloatLiteralExprSyntax.self)
            || value.is(StringLiteralExprSyntax.self) || value.is(BooleanLiteralExprSyntax.self) || value.is(NilLiteralExprSyntax.self)
            || value.is(PrefixOperatorExprSyntax.self) || value.is(ArrayExprSyntax.self) || value.is(DictionaryExprSyntax.self) {
            return "a literal of type '\(type.trimmedDescription)', which runs that type's initializer"
        }
        switch value.as(ExprSyntaxEnum.self) {
        case .integerLiteralExpr, .floatLiteralExpr, .booleanLiteralExpr, .nilLiteralExpr:
            return nil
        case .stringLiteralExpr(let string):
            return string.segments.allSatisfy { $0.is(StringSegmentSyntax.self) } ? nil : "a string interpolation, built on the heap"
        case .prefixOperatorExpr(let negation)
            where negation.operator.text == "-" && (negation.expression.is(IntegerLiteralExprSyntax.self) || negation.expression.is(FloatLiteralExprSyntax.self)):
            return nil
        case .arrayExpr:
            return "an array literal, whose storage is allocated on the heap"
        case .dictionaryExpr:
            return "a dictionary literal, whose storage is allocated on the heap"
        case .closureExpr:
            return "a closure"
        case .functionCallExpr(let call):
            return "a call to '\(call.calledExpression.trimmedDescription)'"
        default:
            return "'\(value.trimmedDescription)', which is not a literal"
        }
    }

    /// `Mode` in `Mode` or `Mode?`.
    static func enumName(of type: TypeSyntax) -> String? {
        if let optional = type.as(OptionalTypeSyntax.self) { return enumName(of: optional.wrappedType) }
        guard let named = type.as(IdentifierTypeSyntax.self), named.genericArgumentClause == nil else { return nil }
        return named.name.text
    }

    /// A standard scalar, or an optional or tuple of them.
    static func isScalar(_ type: TypeSyntax) -> Bool {
        if let optional = type.as(OptionalTypeSyntax.self) { return isScalar(optional.wrappedType) }
        if let tuple = type.as(TupleTypeSyntax.self) { return tuple.elements.allSatisfy { isScalar($0.type) } }
        guard let named = type.as(IdentifierTypeSyntax.self), named.genericArgumentClause == nil else { return false }
        return DomainAudit.scalarTypeNames.contains(named.name.text)
    }

    // MARK: Exchangeable

    override func visit(_ node: InheritedTypeSyntax) -> SyntaxVisitorContinueKind {
        // An associated type's inheritance is a constraint, not a conformance.
        let owner = node.parent?.parent?.parent
        if owner?.is(AssociatedTypeDeclSyntax.self) != true, Self.namesExchangeable(node.type) {
            report(.exchangeableConformance, node.type,
                   "conformance to 'Exchangeable': type identities are given by LeafInterfaces and LeafSDK only")
        }
        return .visitChildren
    }

    override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind {
        if Self.namesExchangeable(node.initializer.value) {
            report(.exchangeableConformance, node.initializer.value,
                   "typealias '\(node.name.text)' names 'Exchangeable': a conformance through it would escape this audit")
        }
        return .visitChildren
    }

    static func namesExchangeable(_ type: TypeSyntax) -> Bool {
        type.tokens(viewMode: .sourceAccurate).contains { $0.text == "Exchangeable" }
    }

    // MARK: Every token

    override func visit(_ token: TokenSyntax) -> SyntaxVisitorContinueKind {
        switch token.tokenKind {
        case .keyword(.unsafe):
            report(.unsafeKeyword, token, "'unsafe' tells the compiler to trust unchecked code; a domain's code is checked or refused")
        case .keyword(.unsafeAddress), .keyword(.unsafeMutableAddress):
            report(.unsafeKeyword, token, "'\(token.text)' accessor: it hands out a raw address")
        case .keyword(.async):
            report(.concurrency, token, "'async' code runs as a task, on executors outside the call gate")
        case .keyword(.actor):
            report(.concurrency, token, "an actor runs its methods on its own executor, outside the call gate")
        case .identifier(let raw):
            let name = raw.hasPrefix("`") ? String(raw.dropFirst().dropLast()) : raw
            if DomainAudit.isUnsafeTypeName(name) {
                report(.unsafeType, token, "'\(name)' carries an address the compiler does not check: with it a domain can reach any memory")
            } else if DomainAudit.isUnsafeFunctionName(name) {
                report(.unsafeFunction, token, "'\(name)' skips Swift's safety checks or hands out a pointer")
            } else if DomainAudit.reflectionNames.contains(name) {
                report(.reflection, token, "'\(name)' reflects on values (or their addresses) past their API, and through a proxy past the call gate")
            } else if DomainAudit.concurrencyNames.contains(name) {
                report(.concurrency, token, "'\(name)' runs code on other threads or later, outside the call gate and past the domain's teardown")
            } else if name.hasPrefix("_"), name != "_", !names.declared.contains(name) {
                report(.underscoredName, token, "'\(name)' is an underscored name the audited files do not declare: standard-library internals are not API")
            }
        default:
            break
        }
        return .skipChildren
    }
}
