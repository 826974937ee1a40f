/// `--explain --audit-domain`: every domain rule, what it refuses and why.
public enum DomainRuleExplainer {
    public static var text: String {
        var out = """
            A domain is isolated from the kernel and from other domains only by Swift's language safety.
            `proxygen --audit-domain PATH...` refuses what the compiler lets through all the same:

            """
        for rule in DomainRule.allCases {
            out += "\n\(rule.rawValue): \(rule.summary)\n"
            out += wrap(rule.reason, indent: "  ", width: 96)
        }
        return out
    }

    /// Breaks `text` into lines of at most `width` characters (a longer word gets a line of its own).
    static func wrap(_ text: String, indent: String, width: Int) -> String {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty, indent.count + line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.map { indent + $0 + "\n" }.joined()
    }
}
