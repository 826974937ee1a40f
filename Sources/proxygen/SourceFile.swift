import SwiftParser
import SwiftSyntax

/// One interface (or domain) file, parsed once: its text, its syntax tree, and how to turn positions into
/// the `line:column` of a diagnostic.
public struct SourceFile {
    /// The path as the user gave it; diagnostics print it unchanged.
    public let path: String
    public let tree: SourceFileSyntax
    let locations: SourceLocationConverter

    public init(path: String, text: String) {
        self.path = path
        self.tree = Parser.parse(source: text)
        self.locations = SourceLocationConverter(fileName: path, tree: tree)
    }

    /// `LeafInterfaces/Probe.swift`: the folder and name, stable wherever the tool runs from.
    public var sourceName: String {
        let parts = path.split(separator: "/")
        return parts.suffix(2).joined(separator: "/")
    }

    func diagnostic(_ rule: Rule, at node: some SyntaxProtocol, _ message: String) -> Diagnostic {
        diagnostic(named: rule.rawValue, at: node, message)
    }

    func diagnostic(_ rule: DomainRule, at node: some SyntaxProtocol, _ message: String) -> Diagnostic {
        diagnostic(named: rule.rawValue, at: node, message)
    }

    private func diagnostic(named rule: String, at node: some SyntaxProtocol, _ message: String) -> Diagnostic {
        let location = locations.location(for: node.positionAfterSkippingLeadingTrivia)
        return Diagnostic(file: path, line: location.line, column: location.column, rule: rule, message: message)
    }

    func line(of node: some SyntaxProtocol) -> Int {
        locations.location(for: node.positionAfterSkippingLeadingTrivia).line
    }
}
