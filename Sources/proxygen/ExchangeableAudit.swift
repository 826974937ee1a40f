import SwiftSyntax

/// Checks the type identities of the interface files. The shared heap tells an object's type by
/// the `exchangeableTypeID` of its payload, so an RRef of one type cannot be read as another:
/// each value type that may be a payload declares `Exchangeable` in the IDL, with an ID fixed by
/// one rule (the FNV-1a hash of its qualified name), and holds only exchangeable fields, whose
/// every bit pattern is a valid value. Conformances are refused where an ID could not be
/// trusted: on enums, nested or generic types, and types declared elsewhere (a `Bool`).
struct ExchangeableAudit {
    /// The module every audited interface file is taken to be in.
    static let modulePrefix = "LeafInterfaces."
    static let requirement = "exchangeableTypeID"

    /// FNV-1a, 64 bits, over the UTF-8 bytes of `text`.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// The ID the rule gives the interface type `name`.
    static func typeID(of name: String) -> UInt64 { fnv1a(modulePrefix + name) }

    /// `0x65cb03e652410932`: sixteen hex digits.
    static func literal(_ id: UInt64) -> String {
        let digits = String(id, radix: 16)
        return "0x" + String(repeating: "0", count: 16 - digits.count) + digits
    }

    static func expectation(_ name: String) -> String {
        "expected \(literal(typeID(of: name))), the FNV-1a hash of \"\(modulePrefix)\(name)\""
    }

    /// The IDs of the SDK's primitives, which an interface type must not take.
    static let sdkIDs: [(name: String, id: UInt64)] = TypeClassifier.exchangeablePrimitives.sorted().map {
        ("Swift." + $0, fnv1a("Swift." + $0))
    }

    private struct Declared {
        let name: String
        let id: UInt64
        /// `file:line` of its literal; nil for the SDK's.
        let place: String?
    }

    let audited: [SourceFile]
    /// The rest of the set: its extensions and IDs count, but it is not reported on.
    let context: [SourceFile]
    let classifier: TypeClassifier
    private(set) var diagnostics: [Diagnostic] = []

    init(audited: [SourceFile], context: [SourceFile], classifier: TypeClassifier) {
        self.audited = audited
        self.context = context
        self.classifier = classifier
    }

    static func check(audited: [SourceFile], context: [SourceFile], classifier: TypeClassifier) -> [Diagnostic] {
        var audit = ExchangeableAudit(audited: audited, context: context, classifier: classifier)
        audit.run()
        return audit.diagnostics
    }

    private mutating func run() {
        for file in audited { diagnostics += ConformanceSites.check(file, declarations: classifier.declarations) }
        var declared = Self.sdkIDs.map { Declared(name: $0.name, id: $0.id, place: nil) }
        for file in context + audited {
            let report = audited.contains { $0.path == file.path }
            for item in file.tree.statements {
                guard let s = item.item.as(StructDeclSyntax.self), isTheExchangeableStruct(s, in: file) else { continue }
                if report { checkFields(of: s, in: file) }
                guard let (id, node, home) = declaredID(of: s, in: file, report: report) else { continue }
                let place = "\(home.path):\(home.line(of: node))"
                if report, let first = declared.first(where: { $0.id == id }) {
                    let whose = first.place.map { "'\(first.name)' (\($0))" } ?? "the SDK's '\(first.name)'"
                    diagnostics.append(home.diagnostic(.duplicateTypeID, at: node,
                        "\(Self.requirement) \(Self.literal(id)) of '\(s.name.text)' is already the ID of \(whose): the heap would take the objects of one for the other's"))
                }
                declared.append(Declared(name: s.name.text, id: id, place: place))
            }
        }
    }

    /// The struct the index knows under this name (not a duplicate) and that declares Exchangeable.
    private func isTheExchangeableStruct(_ s: StructDeclSyntax, in file: SourceFile) -> Bool {
        guard let entry = classifier.declarations[s.name.text], !entry.isEnum, entry.declaresExchangeable else { return false }
        return entry.file == file.path && entry.line == file.line(of: s.name)
    }

    /// Every stored field is exchangeable. Fields that may not even be copied (pointers, classes,
    /// closures) are refused by ValueTypeAudit already.
    private mutating func checkFields(of s: StructDeclSyntax, in file: SourceFile) {
        for member in s.memberBlock.members {
            guard let variable = member.decl.as(VariableDeclSyntax.self),
                  !variable.modifiers.contains(where: { [.keyword(.static), .keyword(.class)].contains($0.name.tokenKind) }) else { continue }
            for (index, binding) in variable.bindings.enumerated() where HiddenTypeAudit.isStored(binding) {
                guard let type = HiddenTypeAudit.declaredType(of: variable, at: index),
                      case .exchangeable(.value) = classifier.classify(type),
                      let (node, why) = classifier.exchangeableProblem(type) else { continue }
                diagnostics.append(file.diagnostic(.exchangeableField, at: node,
                    "field '\(binding.pattern.trimmedDescription)' of Exchangeable '\(s.name.text)' has type '\(type.trimmedDescription)', which is not exchangeable: \(why)"))
            }
        }
    }

    /// The declared ID, with its literal and the file it is in; checked against the rule when `report`.
    private mutating func declaredID(of s: StructDeclSyntax, in file: SourceFile, report: Bool) -> (UInt64, Syntax, SourceFile)? {
        let name = s.name.text
        func refuse(_ node: some SyntaxProtocol, in file: SourceFile, _ message: String) {
            if report { diagnostics.append(file.diagnostic(.exchangeableTypeID, at: node, message)) }
        }
        if let generics = s.genericParameterClause {
            refuse(generics, in: file, "generic struct '\(name)' declares Exchangeable: every '\(name)<...>' would carry the same type ID; declare one struct per payload")
            return nil
        }
        let expected = Self.literal(Self.typeID(of: name))
        let requirements = requirementDeclarations(of: name)
        guard let (variable, home) = requirements.first else {
            refuse(s.name, in: file, "'\(name)' declares Exchangeable but not 'static var \(Self.requirement): UInt64 { \(expected) }': \(Self.expectation(name))")
            return nil
        }
        for (again, itsFile) in requirements.dropFirst() {
            refuse(again.bindingSpecifier, in: itsFile, "'\(name)' declares '\(Self.requirement)' more than once")
        }
        guard let literal = Self.returnedLiteral(variable) else {
            refuse(variable.bindingSpecifier, in: home,
                   "'\(Self.requirement)' of '\(name)' must be 'static var \(Self.requirement): UInt64 { \(expected) }', a computed property returning one integer literal: \(Self.expectation(name))")
            return nil
        }
        guard let id = Self.value(of: literal) else {
            refuse(literal, in: home, "'\(Self.requirement)' of '\(name)' is '\(literal.literal.text)', which is not a UInt64: \(Self.expectation(name))")
            return nil
        }
        if id != Self.typeID(of: name) {
            refuse(literal, in: home, "'\(Self.requirement)' of '\(name)' is \(literal.literal.text): \(Self.expectation(name))")
        }
        return (id, Syntax(literal), home)
    }

    /// `static var exchangeableTypeID` in the struct's body or its extensions, in source order.
    private func requirementDeclarations(of name: String) -> [(VariableDeclSyntax, SourceFile)] {
        var found: [(VariableDeclSyntax, SourceFile)] = []
        for file in audited + context {
            for item in file.tree.statements {
                let members: MemberBlockItemListSyntax
                if let s = item.item.as(StructDeclSyntax.self), s.name.text == name {
                    members = s.memberBlock.members
                } else if let x = item.item.as(ExtensionDeclSyntax.self), x.extendedType.trimmedDescription == name {
                    members = x.memberBlock.members
                } else { continue }
                for member in members {
                    guard let variable = member.decl.as(VariableDeclSyntax.self),
                          variable.bindings.contains(where: { $0.pattern.as(IdentifierPatternSyntax.self)?.identifier.text == Self.requirement })
                    else { continue }
                    found.append((variable, file))
                }
            }
        }
        return found
    }

    /// The literal of `static var exchangeableTypeID: UInt64 { literal }` (or `{ return literal }`,
    /// or `{ get { ... } }`); nil for any other form.
    static func returnedLiteral(_ variable: VariableDeclSyntax) -> IntegerLiteralExprSyntax? {
        guard variable.bindingSpecifier.tokenKind == .keyword(.var),
              variable.modifiers.contains(where: { $0.name.tokenKind == .keyword(.static) }),
              variable.bindings.count == 1, let binding = variable.bindings.first,
              binding.initializer == nil,
              let type = binding.typeAnnotation?.type.trimmedDescription, ["UInt64", "Swift.UInt64"].contains(type),
              let block = binding.accessorBlock else { return nil }
        let body: CodeBlockItemListSyntax
        switch block.accessors {
        case .getter(let statements):
            body = statements
        case .accessors(let accessors):
            guard accessors.count == 1, let get = accessors.first, get.accessorSpecifier.tokenKind == .keyword(.get),
                  get.effectSpecifiers == nil, get.attributes.isEmpty, let statements = get.body?.statements else { return nil }
            body = statements
        }
        guard body.count == 1, let only = body.first else { return nil }
        if let expr = only.item.as(ExprSyntax.self) { return expr.as(IntegerLiteralExprSyntax.self) }
        if let statement = only.item.as(ReturnStmtSyntax.self) { return statement.expression?.as(IntegerLiteralExprSyntax.self) }
        return nil
    }

    /// The value of a Swift integer literal (`0x65cb_03e6_5241_0932`, `0b1`, `0o7`, `42`), if it
    /// fits a UInt64.
    static func value(of literal: IntegerLiteralExprSyntax) -> UInt64? {
        let text = literal.literal.text.filter { $0 != "_" }
        let radix: Int, digits: Substring
        switch text.prefix(2) {
        case "0x": (radix, digits) = (16, text.dropFirst(2))
        case "0o": (radix, digits) = (8, text.dropFirst(2))
        case "0b": (radix, digits) = (2, text.dropFirst(2))
        default: (radix, digits) = (10, Substring(text))
        }
        return UInt64(digits, radix: radix)
    }
}

/// Every place a file declares `Exchangeable` that is not a top-level struct of the set.
private final class ConformanceSites: SyntaxVisitor {
    let file: SourceFile
    let declarations: DeclarationIndex
    var diagnostics: [Diagnostic] = []

    init(file: SourceFile, declarations: DeclarationIndex) {
        self.file = file
        self.declarations = declarations
        super.init(viewMode: .sourceAccurate)
    }

    static func check(_ file: SourceFile, declarations: DeclarationIndex) -> [Diagnostic] {
        let sites = ConformanceSites(file: file, declarations: declarations)
        sites.walk(file.tree)
        return sites.diagnostics
    }

    private func conformance(_ clause: InheritanceClauseSyntax?) -> TypeSyntax? {
        clause?.inheritedTypes.first { DeclarationIndex.exchangeableNames.contains($0.type.trimmedDescription) }?.type
    }

    private func isTopLevel(_ node: some SyntaxProtocol) -> Bool {
        node.parent?.is(CodeBlockItemSyntax.self) == true && node.parent?.parent?.parent?.is(SourceFileSyntax.self) == true
    }

    override func visit(_ node: StructDeclSyntax) -> SyntaxVisitorContinueKind {
        if let type = conformance(node.inheritanceClause), !isTopLevel(node) {
            diagnostics.append(file.diagnostic(.exchangeableNotStruct, at: type,
                "nested struct '\(node.name.text)' declares Exchangeable: a payload type is declared at the top level of LeafInterfaces, where the rule names its ID"))
        }
        return .visitChildren
    }

    override func visit(_ node: EnumDeclSyntax) -> SyntaxVisitorContinueKind {
        if let type = conformance(node.inheritanceClause) {
            diagnostics.append(file.diagnostic(.exchangeableNotStruct, at: type, enumMessage(node.name.text)))
        }
        return .visitChildren
    }

    override func visit(_ node: ClassDeclSyntax) -> SyntaxVisitorContinueKind {
        if let type = conformance(node.inheritanceClause) {
            diagnostics.append(file.diagnostic(.exchangeableNotStruct, at: type,
                "class '\(node.name.text)' declares Exchangeable: its instances live in one domain's heap; only structs of exchangeable fields are Exchangeable"))
        }
        return .visitChildren
    }

    override func visit(_ node: ActorDeclSyntax) -> SyntaxVisitorContinueKind {
        if let type = conformance(node.inheritanceClause) {
            diagnostics.append(file.diagnostic(.exchangeableNotStruct, at: type,
                "actor '\(node.name.text)' declares Exchangeable: its instances live in one domain's heap; only structs of exchangeable fields are Exchangeable"))
        }
        return .visitChildren
    }

    override func visit(_ node: ExtensionDeclSyntax) -> SyntaxVisitorContinueKind {
        guard let type = conformance(node.inheritanceClause) else { return .visitChildren }
        let name = node.extendedType.trimmedDescription
        if let entry = declarations[name], entry.kind == .bitwiseValue || entry.kind == .otherValue {
            if entry.isEnum { diagnostics.append(file.diagnostic(.exchangeableNotStruct, at: type, enumMessage(name))) }
        } else {
            diagnostics.append(file.diagnostic(.exchangeableNotStruct, at: type,
                "extension of '\(name)' declares Exchangeable: only a struct declared in the interface files may; a conformance of another type would give it an identity the SDK does not"))
        }
        return .visitChildren
    }

    private func enumMessage(_ name: String) -> String {
        "enum '\(name)' declares Exchangeable: a byte the receiver reads as '\(name)' could be an invalid bit pattern, none of its cases; carry its raw value in an Exchangeable struct"
    }
}
