import Foundation
@testable import proxygen
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
