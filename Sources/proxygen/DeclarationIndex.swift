import SwiftSyntax

/// The top-level type declarations of a set of interface files: what the type checks need to
/// know about a name (an interface? a BitwiseCopyable value type? a class?) before any method
/// is audited, so a file may use a type declared in another.
struct DeclarationIndex {
    enum Kind: Equatable {
        /// A protocol; `classBound` when it inherits `AnyObject`.
        case protocolType(classBound: Bool)
        /// A struct or enum marked `BitwiseCopyable` (in its declaration or an extension).
        case bitwiseValue
        /// A struct or enum without that mark: it may hold references.
        case otherValue
        /// A class or actor.
        case reference
    }

    struct Entry {
        var kind: Kind
        var isPublic: Bool
        var file: String
        var line: Int
        /// An enum (for a value kind).
        var isEnum = false
        /// Declares `Exchangeable` (in its declaration or an extension): it carries the IDL's type
        /// identity, so it may be an RRef payload. Exchangeable refines BitwiseCopyable.
        var declaresExchangeable = false
        /// Has generic parameters.
        var isGeneric = false
    }

    /// The ways an inheritance clause may name the SDK's protocol.
    static let exchangeableNames: Set<String> = ["Exchangeable", "LeafSDK.Exchangeable", "LeafCore.Exchangeable"]

    private(set) var entries: [String: Entry] = [:]
    /// Names declared twice, with the later declaration's node and file.
    private(set) var duplicates: [(name: String, node: Syntax, file: SourceFile)] = []

    subscript(name: String) -> Entry? { entries[name] }

    init(files: [SourceFile]) {
        var bitwiseByExtension: Set<String> = []
        var exchangeableByExtension: Set<String> = []
        for file in files {
            for item in file.tree.statements {
                let decl = item.item
                if let p = decl.as(ProtocolDeclSyntax.self) {
                    let classBound = Self.inherits(p.inheritanceClause, anyOf: ["AnyObject", "class"])
                    add(p.name.text, .protocolType(classBound: classBound), p.modifiers, Syntax(p.name), file)
                } else if let s = decl.as(StructDeclSyntax.self) {
                    add(s.name.text, Self.valueKind(s.inheritanceClause), s.modifiers, Syntax(s.name), file,
                        exchangeable: Self.inherits(s.inheritanceClause, anyOf: Self.exchangeableNames),
                        generic: s.genericParameterClause != nil)
                } else if let e = decl.as(EnumDeclSyntax.self) {
                    add(e.name.text, Self.valueKind(e.inheritanceClause), e.modifiers, Syntax(e.name), file,
                        isEnum: true, exchangeable: Self.inherits(e.inheritanceClause, anyOf: Self.exchangeableNames),
                        generic: e.genericParameterClause != nil)
                } else if let c = decl.as(ClassDeclSyntax.self) {
                    add(c.name.text, .reference, c.modifiers, Syntax(c.name), file)
                } else if let a = decl.as(ActorDeclSyntax.self) {
                    add(a.name.text, .reference, a.modifiers, Syntax(a.name), file)
                } else if let x = decl.as(ExtensionDeclSyntax.self) {
                    if Self.inherits(x.inheritanceClause, anyOf: ["BitwiseCopyable"]) {
                        bitwiseByExtension.insert(x.extendedType.trimmedDescription)
                    }
                    if Self.inherits(x.inheritanceClause, anyOf: Self.exchangeableNames) {
                        exchangeableByExtension.insert(x.extendedType.trimmedDescription)
                    }
                }
            }
        }
        for name in bitwiseByExtension where entries[name]?.kind == .otherValue {
            entries[name]?.kind = .bitwiseValue
        }
        for name in exchangeableByExtension where entries[name] != nil {
            entries[name]?.declaresExchangeable = true
        }
        // Exchangeable refines BitwiseCopyable: such a value may also be copied.
        for (name, entry) in entries where entry.declaresExchangeable && entry.kind == .otherValue {
            entries[name]?.kind = .bitwiseValue
        }
    }

    private mutating func add(_ name: String, _ kind: Kind, _ modifiers: DeclModifierListSyntax, _ node: Syntax, _ file: SourceFile,
                              isEnum: Bool = false, exchangeable: Bool = false, generic: Bool = false) {
        if entries[name] != nil {
            duplicates.append((name, node, file))
            return
        }
        entries[name] = Entry(kind: kind, isPublic: Self.isPublic(modifiers), file: file.path, line: file.line(of: node),
                              isEnum: isEnum, declaresExchangeable: exchangeable, isGeneric: generic)
    }

    static func isPublic(_ modifiers: DeclModifierListSyntax) -> Bool {
        modifiers.contains { $0.name.tokenKind == .keyword(.public) || $0.name.tokenKind == .keyword(.open) }
    }

    static func inherits(_ clause: InheritanceClauseSyntax?, anyOf names: Set<String>) -> Bool {
        clause?.inheritedTypes.contains { names.contains($0.type.trimmedDescription) } ?? false
    }

    private static func valueKind(_ clause: InheritanceClauseSyntax?) -> Kind {
        inherits(clause, anyOf: ["BitwiseCopyable", "Swift.BitwiseCopyable"]) ? .bitwiseValue : .otherValue
    }
}
