import SwiftSyntax

/// Checks the fields of the value types an interface file declares `BitwiseCopyable`. The
/// compiler already keeps references out of such types, but not pointers: an
/// `UnsafeRawPointer` is BitwiseCopyable, and a struct carrying one would hand the callee an
/// address in the caller's memory. Every stored field (and every enum payload) must itself be
/// an exchangeable value.
struct ValueTypeAudit {
    let file: SourceFile
    let classifier: TypeClassifier
    private(set) var diagnostics: [Diagnostic] = []

    init(file: SourceFile, classifier: TypeClassifier) {
        self.file = file
        self.classifier = classifier
    }

    mutating func check(_ decl: DeclSyntax) {
        if let s = decl.as(StructDeclSyntax.self), isBitwise(s.name.text) {
            for member in s.memberBlock.members {
                guard let variable = member.decl.as(VariableDeclSyntax.self),
                      !variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.static) }) else { continue }
                // Observed properties are stored too; an unannotated one is refused by HiddenTypeAudit.
                for (index, binding) in variable.bindings.enumerated() where HiddenTypeAudit.isStored(binding) {
                    guard let type = HiddenTypeAudit.declaredType(of: variable, at: index) else { continue }
                    checkField("field '\(binding.pattern.trimmedDescription)' of '\(s.name.text)'", type)
                }
            }
        } else if let e = decl.as(EnumDeclSyntax.self), isBitwise(e.name.text) {
            for member in e.memberBlock.members {
                guard let cases = member.decl.as(EnumCaseDeclSyntax.self) else { continue }
                for element in cases.elements {
                    for parameter in element.parameterClause?.parameters ?? [] {
                        checkField("payload of case '\(element.name.text)' of '\(e.name.text)'", parameter.type)
                    }
                }
            }
        }
    }

    /// Marked in its declaration or by an extension anywhere in the set.
    private func isBitwise(_ name: String) -> Bool {
        classifier.declarations[name]?.kind == .bitwiseValue
    }

    private mutating func checkField(_ what: String, _ type: TypeSyntax) {
        switch classifier.classify(type) {
        case .exchangeable(.value), .genericParameter:
            break
        case .rejected(let node, let rule, let why) where rule == .nonExchangeable:
            diagnostics.append(file.diagnostic(rule, at: node, "\(what) has non-exchangeable type '\(type.trimmedDescription)': \(why)"))
        case .rejected:
            // A non-public field type is fine inside a public struct: LeafProxies never names it.
            break
        case .exchangeable, .void:
            diagnostics.append(file.diagnostic(.nonExchangeable, at: type,
                "\(what) has type '\(type.trimmedDescription)': a value that crosses holds only BitwiseCopyable values, not RRefs or interface references"))
        }
    }
}
