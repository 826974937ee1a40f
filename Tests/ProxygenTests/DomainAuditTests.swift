import Foundation
@testable import proxygen
import Testing

/// The domain audit (`--audit-domain`): every file in Fixtures/Domain/Bad states, in
/// `// expect:` lines at its top, exactly the diagnostics it must produce; Fixtures/Domain/Good
/// is a realistic domain that must audit clean.
@Suite struct DomainAuditTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let text: String
        var path: String { "Domain/Bad/" + name }
        var expected: [String] {
            text.split(separator: "\n").filter { $0.hasPrefix("// expect: ") }
                .map { path + ":" + $0.dropFirst("// expect: ".count) }
        }
        var testDescription: String { name }
    }

    static let badFolder = Paths.fixtures.appendingPathComponent("Domain/Bad")
    static let goodFolder = Paths.fixtures.appendingPathComponent("Domain/Good")

    static let cases: [Case] = ((try? Paths.swiftFiles(in: badFolder)) ?? []).map {
        Case(name: $0.lastPathComponent, text: (try? Paths.text($0)) ?? "")
    }

    func run(_ arguments: [String]) -> (status: Int32, out: String, err: String) {
        var console = ProxygenTool.Console()
        let status = ProxygenTool.run(arguments, console: &console)
        return (status, console.out, console.err)
    }

    @Test func corpusIsThere() {
        #expect(Self.cases.count >= DomainRule.allCases.count)
    }

    @Test(arguments: cases)
    func reportsExactlyTheExpectedDiagnostics(_ bad: Case) {
        #expect(!bad.expected.isEmpty, "a corpus file must state what it expects")
        let diagnostics = DomainAudit.audit([SourceFile(path: bad.path, text: bad.text)])
        #expect(diagnostics.map(\.description) == bad.expected)
    }

    /// Every rule is exercised by some file of the corpus.
    @Test func everyRuleHasABadExample() {
        let missing = DomainRule.allCases.filter { rule in
            !Self.cases.contains { c in c.expected.contains { $0.hasSuffix("[\(rule.rawValue)]") } }
        }
        #expect(missing.isEmpty, "rules without an example: \(missing)")
    }

    @Test func goodDomainIsClean() throws {
        let files = try Paths.swiftFiles(in: Self.goodFolder)
        #expect(!files.isEmpty)
        let sources = try files.map { SourceFile(path: $0.path, text: try Paths.text($0)) }
        #expect(DomainAudit.audit(sources).map(\.description) == [])
    }

    /// Arbitrary input (truncations of every fixture) never crashes the audit.
    @Test func truncatedFilesNeverCrash() throws {
        let texts = try Self.cases.map(\.text) + Paths.swiftFiles(in: Self.goodFolder).map { try Paths.text($0) }
        for text in texts {
            let scalars = Array(text.unicodeScalars)
            for length in stride(from: 0, to: scalars.count, by: 11) {
                var prefix = String.UnicodeScalarView()
                prefix.append(contentsOf: scalars[..<length])
                _ = DomainAudit.audit([SourceFile(path: "cut.swift", text: String(prefix))])
            }
        }
    }

    // MARK: Command line

    @Test func badFolderExitsOneWithEveryDiagnostic() {
        let folder = Self.badFolder.path
        let (status, out, err) = run(["--audit-domain", folder])
        #expect(status == 1)
        #expect(out.isEmpty)
        let lines = err.split(separator: "\n").map(String.init)
        let expected = Self.cases.flatMap { c in c.expected.map { folder + "/" + $0.dropFirst("Domain/Bad/".count) } }
        #expect(Array(lines.dropLast()) == expected)
        #expect(lines.last == "proxygen: \(expected.count) violations in \(Self.cases.count) files")
    }

    @Test func goodFolderExitsZero() {
        let (status, out, err) = run(["--audit-domain", Self.goodFolder.path])
        #expect(status == 0)
        #expect(err.isEmpty)
        #expect(out == "proxygen: domain audit passed: 1 file\n")
    }

    /// Folders are walked recursively, in sorted order; files may be named directly too.
    @Test func foldersAreWalkedRecursively() throws {
        let root = try Paths.temporaryFolder()
        let nested = root.appendingPathComponent("Probe/Sub")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        try "import Foundation\n".write(to: nested.appendingPathComponent("B.swift"), atomically: true, encoding: .utf8)
        try "var x = 1\n".write(to: root.appendingPathComponent("Probe/A.swift"), atomically: true, encoding: .utf8)
        try "not swift\n".write(to: root.appendingPathComponent("Probe/notes.txt"), atomically: true, encoding: .utf8)
        let (status, _, err) = run(["--audit-domain", root.path])
        #expect(status == 1)
        #expect(err == """
            \(root.path)/Probe/A.swift:1:1: error: mutable global 'x': state outside the domain's objects survives its teardown; keep it in the domain's instance [mutable-global]
            \(root.path)/Probe/Sub/B.swift:1:8: error: import of 'Foundation': a domain imports only LeafInterfaces and LeafSDK [forbidden-import]
            proxygen: 2 violations in 2 files

            """)
    }

    @Test func missingPathIsAClearError() {
        let (status, out, err) = run(["--audit-domain", "/nonexistent/Domains"])
        #expect(status != 0)
        #expect(out.isEmpty)
        #expect(err == "/nonexistent/Domains: error: no such file or folder\n")
    }

    @Test func unparsableFileIsReported() {
        let path = Self.badFolder.appendingPathComponent("SyntaxError.swift").path
        let (status, _, err) = run(["--audit-domain", path])
        #expect(status == 1)
        #expect(err.contains("[syntax-error]"))
    }

    @Test(arguments: [
        (["--audit-domain"], "proxygen: --audit-domain needs at least one PATH; see 'proxygen --help'\n"),
        (["--explain", "--audit-domain", "x.swift"],
         "proxygen: --explain --audit-domain takes no PATH (it explains the rules, not files); see 'proxygen --help'\n"),
        (["--audit", "--audit-domain", "x.swift"], "proxygen: --audit and --audit-domain cannot be combined; see 'proxygen --help'\n"),
    ])
    func badCommandLinesExitTwo(_ arguments: [String], _ message: String) {
        let (status, out, err) = run(arguments)
        #expect(status == 2)
        #expect(out.isEmpty)
        #expect(err == message)
    }

    @Test(arguments: [["--explain", "--audit-domain"], ["--audit-domain", "--explain"]])
    func explainGivesEveryRuleAndItsReason(_ arguments: [String]) {
        let (status, out, _) = run(arguments)
        #expect(status == 0)
        let flat = out.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for rule in DomainRule.allCases {
            #expect(out.contains("\n\(rule.rawValue): \(rule.summary)\n"), "\(rule)")
            #expect(flat.contains(rule.reason), "\(rule)")
        }
    }

    @Test func helpListsTheDomainRules() {
        let (_, out, _) = run(["--help"])
        #expect(out.contains("--audit-domain"))
        #expect(out.contains("--explain --audit-domain"))
        for rule in DomainRule.allCases { #expect(out.contains(rule.rawValue), "\(rule)") }
    }
}
