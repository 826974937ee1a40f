import Foundation
@testable import proxygen
import SwiftSyntax
import Testing

/// Every file in Fixtures/Bad breaks the rules; each states, in `// expect:` lines at its top,
/// exactly the diagnostics the audit must report. None of them may produce a proxy.
@Suite struct AuditCorpusTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        var path: String { "Bad/" + name }
        var expected: [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("// expect: ") }
                .map { path + ":" + $0.dropFirst("// expect: ".count) }
        }
        var testDescription: String { name }
    }

    static let cases: [Case] = {
        let folder = Paths.fixtures.appendingPathComponent("Bad")
        return ((try? Paths.swiftFiles(in: folder)) ?? []).map {
            Case(name: $0.lastPathComponent, text: (try? Paths.text($0)) ?? "")
        }
    }()

    @Test func corpusIsThere() {
        #expect(Self.cases.count >= 40)
    }

    @Test(arguments: cases)
    func reportsExactlyTheExpectedDiagnostics(_ bad: Case) {
        #expect(!bad.expected.isEmpty, "a corpus file must state what it expects")
        let result = InterfaceAudit.audit([SourceFile(path: bad.path, text: bad.text)])
        #expect(result.diagnostics.map(\.description) == bad.expected)
    }

    @Test(arguments: cases)
    func neverProducesAProxy(_ bad: Case) {
        guard case .refused(let diagnostics) = Generation.run([SourceFile(path: bad.path, text: bad.text)]) else {
            Issue.record("\(bad.name) produced a proxy")
            return
        }
        #expect(!diagnostics.isEmpty)
    }

    /// Every rule is exercised by some file of the corpus.
    @Test func everyRuleHasABadExample() {
        let seen = Set(Self.cases.flatMap { c in Rule.allCases.filter { r in c.expected.contains { $0.hasSuffix("[\(r.rawValue)]") } } })
        #expect(Set(Rule.allCases).subtracting(seen).isEmpty, "rules without an example: \(Set(Rule.allCases).subtracting(seen))")
    }

    /// A bad file in a set of good ones refuses the whole generation.
    @Test func oneBadFileRefusesEveryProxy() throws {
        var files = try Paths.interfaceSources().map { SourceFile(path: $0.path, text: $0.text) }
        let bad = try #require(Self.cases.first { $0.name == "StringParameter.swift" })
        files.append(SourceFile(path: bad.path, text: bad.text))
        guard case .refused(let diagnostics) = Generation.run(files) else { Issue.record("generated"); return }
        #expect(diagnostics.map(\.description) == bad.expected)
    }

    /// Arbitrary input (truncations of every fixture and of the real interfaces) never crashes
    /// the tool, and never yields a proxy unless the audit is clean.
    @Test func truncatedFilesNeverCrash() throws {
        let texts = try Self.cases.map(\.text) + Paths.interfaceSources().map(\.text)
        for text in texts {
            let scalars = Array(text.unicodeScalars)
            for length in stride(from: 0, to: scalars.count, by: 7) {
                var prefix = String.UnicodeScalarView()
                prefix.append(contentsOf: scalars[..<length])
                let file = SourceFile(path: "cut.swift", text: String(prefix))
                let audit = InterfaceAudit.audit([file])
                if case .files = Generation.run([file]) { #expect(audit.diagnostics.isEmpty) }
            }
        }
    }

    /// Every file in Fixtures/Good passes, alone and with the real interfaces as context.
    @Test func goodFixturesPass() throws {
        let folder = Paths.fixtures.appendingPathComponent("Good")
        let context = try Paths.interfaceSources().map { SourceFile(path: $0.path, text: $0.text) }
        for url in try Paths.swiftFiles(in: folder) {
            let file = SourceFile(path: "Good/" + url.lastPathComponent, text: try Paths.text(url))
            #expect(InterfaceAudit.audit([file]).diagnostics.map(\.description) == [], "\(url.lastPathComponent)")
            #expect(InterfaceAudit.audit([file], context: context).diagnostics.map(\.description) == [], "\(url.lastPathComponent)")
        }
    }

    /// The one rule for type IDs: FNV-1a 64 of the qualified name.
    @Test func typeIDsFollowTheRule() {
        #expect(ExchangeableAudit.typeID(of: "Request") == 0x65cb_03e6_5241_0932)
        #expect(ExchangeableAudit.fnv1a("Swift.Int") == 0xf65a_6abe_c28d_bc5b)
        #expect(ExchangeableAudit.fnv1a("") == 0xcbf2_9ce4_8422_2325)
        #expect(ExchangeableAudit.literal(0x65cb_03e6_5241_0932) == "0x65cb03e652410932")
        #expect(ExchangeableAudit.literal(0x1f) == "0x000000000000001f")
        #expect(ExchangeableAudit.sdkIDs.count == TypeClassifier.exchangeablePrimitives.count)
    }

    /// Any integer literal form is read; what is not a UInt64 literal is not.
    @Test(arguments: [
        ("0x65cb_03e6_5241_0932", UInt64?.some(0x65cb_03e6_5241_0932)), ("0b101", 5), ("0o17", 15), ("1_000", 1000),
        ("18446744073709551615", UInt64.max), ("18446744073709551616", nil), ("0x1_0000_0000_0000_0000", nil),
    ])
    func integerLiteralsAreRead(_ text: String, _ value: UInt64?) throws {
        let file = SourceFile(path: "x.swift", text: "struct S { static var exchangeableTypeID: UInt64 { \(text) } }")
        let s = try #require(file.tree.statements.first?.item.as(StructDeclSyntax.self))
        let variable = try #require(s.memberBlock.members.first?.decl.as(VariableDeclSyntax.self))
        let literal = try #require(ExchangeableAudit.returnedLiteral(variable))
        #expect(ExchangeableAudit.value(of: literal) == value)
    }

    /// The real `Request` declares its ID; without it, or with another, the message gives the right one.
    @Test func requestDeclaresItsTypeID() throws {
        let sources = try Paths.interfaceSources()
        let context = sources.map { SourceFile(path: $0.path, text: $0.text) }
        let mailbox = try #require(sources.first { $0.path.hasSuffix("/Mailbox.swift") })
        let line = "    public static var exchangeableTypeID: UInt64 { 0x65cb_03e6_5241_0932 }   // FNV-1a of \"LeafInterfaces.Request\"\n"
        #expect(mailbox.text.contains("public struct Request: Exchangeable, Sendable, Equatable {\n"))
        #expect(mailbox.text.contains(line))
        let expected = "expected 0x65cb03e652410932, the FNV-1a hash of \"LeafInterfaces.Request\""
        for text in [mailbox.text.replacingOccurrences(of: line, with: ""),
                     mailbox.text.replacingOccurrences(of: "0x65cb_03e6_5241_0932", with: "0x65cb_03e6_5241_0933")] {
            let diagnostics = InterfaceAudit.audit([SourceFile(path: mailbox.path, text: text)], context: context).diagnostics
            #expect(diagnostics.count == 1)
            #expect(diagnostics.first?.rule == Rule.exchangeableTypeID.rawValue)
            #expect(diagnostics.first?.message.hasSuffix(expected) == true)
        }
        // Only BitwiseCopyable again, it may still be copied (find's result) but not be a payload.
        let plain = mailbox.text.replacingOccurrences(of: "Request: Exchangeable,", with: "Request: BitwiseCopyable,")
        let refused = InterfaceAudit.audit([SourceFile(path: mailbox.path, text: plain)], context: context).diagnostics
        #expect(refused.count == 6)
        #expect(refused.allSatisfy { $0.rule == Rule.notExchangeablePayload.rawValue })
    }

    /// Types from the rest of LeafInterfaces may be used by the audited file.
    @Test func auditSeesTheInterfaceFolder() throws {
        let user = SourceFile(path: "User.swift", text: """
            import LeafCore
            public protocol Tracer: AnyObject {
                func trace(_ kind: TrapKind, _ route: Route, via probe: any Probe) throws(RpcError)
            }
            """)
        let context = try Paths.interfaceSources().map { SourceFile(path: $0.path, text: $0.text) }
        #expect(InterfaceAudit.audit([user], context: context).diagnostics.isEmpty)
        #expect(InterfaceAudit.audit([user]).diagnostics.count == 3)
    }
}
