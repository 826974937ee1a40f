import SwiftSyntax

/// Refuses what would hide a type, or code, from the checks of the value types and methods:
/// an inferred property type (`var p = UnsafeMutableRawPointer(bitPattern: 1)!` is a pointer
/// nobody wrote), an observer (a field with `didSet` looks computed but is stored, and runs
/// code), an alias (`typealias Float = UnsafeRawPointer` would make a field look like a
/// number), and a function type (even `@convention(c)` ones are BitwiseCopyable, so the
/// compiler lets them into a value that crosses). The audit is syntactic, so it takes the safe
/// side: every typealias and every function type in an interface file is refused.
final class HiddenTypeAudit: SyntaxVisitor {
    let file: SourceFile
    private(set) var diagnostics: [Diagnostic] = []

    init(file: SourceFile) {
        self.file = file
        super.init(viewMode: .sourceAccurate)
    }

    static func check(_ file: SourceFile) -> [Diagnostic] {
        let audit = HiddenTypeAudit(file: file)
        audit.walk(file.tree)
        return audit.diagnostics
    }

    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
        for member in node.memberBlock.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self),
                  !variable.modifiers.contains(where: { [.keyword(.static), .keyword(.class)].contains($0.name.tokenKind) })
            else { continue }
            for (index, binding) in variable.bindings.enumerated() where Self.isStored(binding) {
                let what = "stored property '\(binding.pattern.trimmedDescription)' of '\(node.name.text)'"
                if Self.declaredType(of: variable, at: index) == nil {
                    diagnostics.append(file.diagnostic(.unannotatedProperty, at: binding.pattern,
                        "\(what) has no type annotation: an inferred type can hide a pointer or a closure from the audit; write its type"))
                }
                for accessor in Self.observers(of: binding) {
                    diagnostics.append(file.diagnostic(.observedProperty, at: accessor.accessorSpecifier,
                        "\(what) has '\(accessor.accessorSpecifier.text)': an observer runs code in whichever domain writes the field; a value that crosses is plain data"))
                }
            }
        }
        return .visitChildren
    }

    override func visit(_ node: TypeAliasDeclSyntax) -> SyntaxVisitorContinueKind {
        diagnostics.append(file.diagnostic(.typeAlias, at: node.typealiasKeyword,
            "typealias '\(node.name.text)': an alias can make a name mean another type than it says (a 'Float' that is a pointer); write the type itself"))
        return .visitChildren
    }

    override func visit(_ node: FunctionTypeSyntax) -> SyntaxVisitorContinueKind {
        diagnostics.append(file.diagnostic(.functionType, at: node,
            "function type '\(node.trimmedDescription)': a function value carries code (and captured state) of the domain that made it; interface types hold data only"))
        return .visitChildren
    }

    /// Stored: no accessors, or only observers.
    static func isStored(_ binding: PatternBindingSyntax) -> Bool {
        guard let block = binding.accessorBlock else { return true }
        guard case .accessors(let accessors) = block.accessors else { return false }
        return accessors.allSatisfy { [.keyword(.willSet), .keyword(.didSet)].contains($0.accessorSpecifier.tokenKind) }
    }

    static func observers(of binding: PatternBindingSyntax) -> [AccessorDeclSyntax] {
        guard case .accessors(let accessors)? = binding.accessorBlock?.accessors else { return [] }
        return accessors.filter { [.keyword(.willSet), .keyword(.didSet)].contains($0.accessorSpecifier.tokenKind) }
    }

    /// The written type of the binding at `index`: its own annotation or, in `var a, b: Int`,
    /// the annotation of the next binding (an unannotated binding without a value shares it).
    static func declaredType(of variable: VariableDeclSyntax, at index: Int) -> TypeSyntax? {
        let bindings = Array(variable.bindings)
        if let type = bindings[index].typeAnnotation?.type { return type }
        guard bindings[index].initializer == nil else { return nil }
        for later in bindings[(index + 1)...] {
            if let type = later.typeAnnotation?.type { return type }
            if later.initializer != nil { return nil }
        }
        return nil
    }
}
