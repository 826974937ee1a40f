/// The command line, parsed: what to do and where.
public struct Options: Equatable, Sendable {
    public enum Mode: Equatable, Sendable {
        case generate
        case check
        case audit([String])
        case explain([String])
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
            case "--check", "--audit", "--explain": try setMode(argument)
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
        default:
            mode = .help
        }
    }
}
