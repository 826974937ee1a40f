/// The command line, parsed: what to do and where.
public struct Options: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case generate
        case check
        case audit([String])
        case explain([String])
        /// Audit domain sources (files or folders, walked recursively) against `DomainRule`.
        case auditDomain([String])
        /// `--explain --audit-domain`: every domain rule with its reason.
        case explainDomainRules
        case help
    }

    public static let defaultInterfaces = "Sources/LeafInterfaces"
    public static let defaultOutput = "Sources/LeafProxies"

    public var mode: Mode = .generate
    /// Interface files or folders of them.
    public var interfaces: [String] = []
    public var output: String = defaultOutput
    /// Whether `--interfaces` was given (the audit then takes its context from there).
    public var interfacesGiven: Bool { !interfaces.isEmpty }
    public var interfacePaths: [String] { interfaces.isEmpty ? [Self.defaultInterfaces] : interfaces }

    public struct UsageError: Error, Equatable, CustomStringConvertible {
        public let description: String
    }

    public init() {}

    public init(parsing arguments: [String]) throws(UsageError) {
        var modeName: String? = nil
        var files: [String] = []
        var rest = arguments[...]
        func setMode(_ name: String) throws(UsageError) {
            // `--explain --audit-domain` (either order) explains the domain rules.
            if let current = modeName, Set([current, name]) == ["--explain", "--audit-domain"] {
                modeName = "--explain --audit-domain"
                return
            }
            if let modeName, modeName != name {
                throw UsageError(description: "\(modeName) and \(name) cannot be combined")
            }
            modeName = name
        }
        func value(for option: String) throws(UsageError) -> String {
            guard let next = rest.first, !next.hasPrefix("--") else {
                throw UsageError(description: "\(option) needs a path")
            }
            rest = rest.dropFirst()
            return next
        }
        while let argument = rest.first {
            rest = rest.dropFirst()
            switch argument {
            case "--check", "--audit", "--explain", "--audit-domain": try setMode(argument)
            case "--help", "-h": try setMode("--help")
            case "--interfaces": interfaces.append(try value(for: argument))
            case "--output": output = try value(for: argument)
            case "--": files += rest; rest = []
            default:
                if argument.hasPrefix("-") { throw UsageError(description: "unknown option '\(argument)'") }
                files.append(argument)
            }
        }
        switch modeName {
        case nil, "--check":
            if !files.isEmpty {
                throw UsageError(description: "unexpected argument '\(files[0])' (interface paths go after --interfaces)")
            }
            mode = modeName == nil ? .generate : .check
        case "--audit":
            if files.isEmpty { throw UsageError(description: "--audit needs at least one FILE") }
            mode = .audit(files)
        case "--explain":
            mode = .explain(files)
        case "--audit-domain":
            if files.isEmpty { throw UsageError(description: "--audit-domain needs at least one PATH") }
            if interfacesGiven { throw UsageError(description: "--interfaces has no meaning for --audit-domain") }
            mode = .auditDomain(files)
        case "--explain --audit-domain":
            if !files.isEmpty { throw UsageError(description: "--explain --audit-domain takes no PATH (it explains the rules, not files)") }
            mode = .explainDomainRules
        default:
            mode = .help
        }
    }
}
