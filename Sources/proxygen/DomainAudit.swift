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
        // Classes of the whole domain, so a global `let` of one of them is seen in any file.
        let classes = ClassNames(files: parsed).names
        for file in parsed {
            let walker = DomainWalker(file: file, classes: classes)
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

    /// `unsafeBitCast`, `withUnsafeBytes`, `unsafelyUnwrapped`, `_unsafeReferenceCast`...
    static func isUnsafeFunctionName(_ name: String) -> Bool {
        let bare = name.drop { $0 == "_" }
        return bare.hasPrefix("unsafe") || bare.hasPrefix("withUnsafe")
    }
}

/// The names of the classes and actors declared in a set of files (at any depth).
private struct ClassNames {
    private(set) var names: Set<String> = []

    init(files: [SourceFile]) {
        final class Collector: SyntaxVisitor {
            var names: Set<String> = []
            override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
            override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind { names.insert(node.name.text); return .visitChildren }
        }
        let collector = Collector(viewMode: .sourceAccurate)
        for file in files { collector.walk(file.tree) }
        names = collector.names
    }
}

/// One pass over one file: attributes, modifiers, imports, variables, conformances and every
/// identifier token.
private final class DomainWalker: SyntaxVisitor {
    let file: SourceFile
    let classes: Set<String>
    var diagnostics: [Diagnostic] = []

    init(file: SourceFile, classes: Set<String>) {
        self.file = file
        self.classes = classes
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
            } else if let held = heldReference(binding) {
                report(.mutableGlobal, binding.pattern,
                       "\(what) '\(name)' holds \(held), which outlives the domain's teardown; keep it in the domain's instance")
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

    /// A closure or an instance of one of the domain's classes, stored by a `let`.
    private func heldReference(_ binding: PatternBindingSyntax) -> String? {
        if let type = binding.typeAnnotation?.type {
            if type.is(FunctionTypeSyntax.self) || type.as(AttributedTypeSyntax.self)?.baseType.is(FunctionTypeSyntax.self) == true {
                return "a closure"
            }
            if let named = type.as(IdentifierTypeSyntax.self), classes.contains(named.name.text) {
                return "an instance of class '\(named.name.text)'"
            }
        }
        guard let value = binding.initializer?.value else { return nil }
        if value.is(ClosureExprSyntax.self) { return "a closure" }
        if let call = value.as(FunctionCallExprSyntax.self), let callee = call.calledExpression.as(DeclReferenceExprSyntax.self),
           classes.contains(callee.baseName.text) {
            return "an instance of class '\(callee.baseName.text)'"
        }
        return nil
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
        case .identifier(let raw):
            let name = raw.hasPrefix("`") ? String(raw.dropFirst().dropLast()) : raw
            if DomainAudit.isUnsafeTypeName(name) {
                report(.unsafeType, token, "'\(name)' carries an address the compiler does not check: with it a domain can reach any memory")
            } else if DomainAudit.isUnsafeFunctionName(name) {
                report(.unsafeFunction, token, "'\(name)' skips Swift's safety checks or hands out a pointer")
            }
        default:
            break
        }
        return .skipChildren
    }
}
