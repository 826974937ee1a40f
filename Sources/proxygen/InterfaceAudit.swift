import SwiftSyntax

/// What the audit found: the interfaces it read, and every violation of the rules.
/// Proxies are generated only when `diagnostics` is empty.
public struct AuditResult {
    public var interfaces: [Interface]
    public var diagnostics: [Diagnostic]
}

/// Checks interface files against the rules of the IDL and reads their interfaces.
public enum InterfaceAudit {
    /// Names the generated proxy declares in every method, or uses from LeafCore.
    static let reservedMethodNames: Set<String> = ["domain", "target", "export", "spawn"]
    static let reservedParameterNames: Set<String> = ["args", "frame", "target", "export", "domain", "result", "error", "incarnation", "moving"]
    static let reservedTypeNames: Set<String> = [
        "Args", "CallGate", "Kernel", "RpcError", "KernelError", "DomainID", "ObjectID",
        "RRef", "RRefArray", "RRefDeque", "Export", "Unmanaged", "LeafCore", "LeafInterfaces", "LeafProxies",
    ]

    /// Audits `files`. Declarations in `context` (the rest of LeafInterfaces) may be used by
    /// them but are not themselves audited.
    public static func audit(_ files: [SourceFile], context: [SourceFile] = []) -> AuditResult {
        var diagnostics: [Diagnostic] = []
        var parsed: [SourceFile] = []
        for file in files {
            let syntax = SyntaxErrors.find(in: file)
            if syntax.isEmpty { parsed.append(file) } else { diagnostics += syntax }
        }
        let audited = Set(files.map(\.path))
        let others = context.filter { !audited.contains($0.path) }
        let index = DeclarationIndex(files: parsed + others)
        for duplicate in index.duplicates where audited.contains(duplicate.file.path) {
            let first = index[duplicate.name]!
            diagnostics.append(duplicate.file.diagnostic(.duplicateName, at: duplicate.node,
                "'\(duplicate.name)' is already declared at \(first.file):\(first.line)"))
        }
        let proxyNames = Set(index.entries.compactMap { name, entry in
            entry.kind == .protocolType(classBound: true) ? name + "Proxy" : nil
        })
        var interfaces: [Interface] = []
        for file in parsed {
            for item in file.tree.statements {
                if let named = item.item.asProtocol(NamedDeclSyntax.self),
                   reservedTypeNames.contains(named.name.text) || proxyNames.contains(named.name.text) {
                    diagnostics.append(file.diagnostic(.reservedName, at: named.name,
                        "type name '\(named.name.text)' is reserved: the generated proxies use it"))
                }
                if let conditional = item.item.as(IfConfigDeclSyntax.self) {
                    diagnostics.append(file.diagnostic(.unsupportedMember, at: conditional,
                        "conditional compilation in an interface file: proxygen cannot tell which branch is compiled"))
                }
                var values = ValueTypeAudit(file: file, classifier: TypeClassifier(declarations: index))
                if let decl = item.item.as(DeclSyntax.self) { values.check(decl) }
                diagnostics += values.diagnostics
                guard let p = item.item.as(ProtocolDeclSyntax.self) else { continue }
                var reader = ProtocolReader(file: file, classifier: TypeClassifier(declarations: index))
                interfaces.append(reader.read(p))
                diagnostics += reader.diagnostics
            }
            diagnostics += HiddenTypeAudit.check(file)
        }
        diagnostics += ExchangeableAudit.check(audited: parsed, context: others, classifier: TypeClassifier(declarations: index))
        diagnostics = withoutRepeatedFunctionTypes(diagnostics)
        return AuditResult(interfaces: interfaces, diagnostics: unique(diagnostics).sorted())
    }

    /// A function type the type checks already refuse (a parameter, result or field) is
    /// reported there, with the context; the function-type rule covers the rest of the file.
    private static func withoutRepeatedFunctionTypes(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        struct Place: Hashable { let file: String, line: Int, column: Int }
        let refused = Set(diagnostics.filter { $0.rule == Rule.nonExchangeable.rawValue }.map { Place(file: $0.file, line: $0.line, column: $0.column) })
        return diagnostics.filter { $0.rule != Rule.functionType.rawValue || !refused.contains(Place(file: $0.file, line: $0.line, column: $0.column)) }
    }

    private static func unique(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen: Set<String> = []
        return diagnostics.filter { seen.insert($0.description).inserted }
    }
}
