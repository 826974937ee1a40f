import SwiftSyntax

/// The parser recovers from any input; this finds where it had to, so a file that does not
/// parse is reported (and never audited further or turned into a proxy).
enum SyntaxErrors {
    static func find(in file: SourceFile) -> [Diagnostic] {
        guard file.tree.hasError else { return [] }
        let finder = Finder(viewMode: .all)
        finder.walk(file.tree)
        return finder.problems.map { problem in
            switch problem {
            case .missing(let token):
                file.diagnostic(.syntaxError, at: token, "syntax error: expected " + (token.text.isEmpty ? "a name" : "'\(token.text)'"))
            case .unexpected(let nodes):
                file.diagnostic(.syntaxError, at: nodes, "syntax error: unexpected '\(excerpt(nodes.trimmedDescription))'")
            }
        }
    }

    private static func excerpt(_ text: String) -> String {
        let firstLine = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return firstLine.count > 40 ? String(firstLine.prefix(40)) + "..." : firstLine
    }

    private enum Problem {
        case missing(TokenSyntax)
        case unexpected(UnexpectedNodesSyntax)
    }

    private final class Finder: SyntaxVisitor {
        var problems: [Problem] = []

        override func visit(_ node: UnexpectedNodesSyntax) -> SyntaxVisitorContinueKind {
            problems.append(.unexpected(node))
            return .skipChildren
        }

        override func visit(_ token: TokenSyntax) -> SyntaxVisitorContinueKind {
            if token.presence == .missing { problems.append(.missing(token)) }
            return .skipChildren
        }
    }
}
