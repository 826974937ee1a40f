/// A file proxygen writes, by name within the output folder.
public struct GeneratedFile: Equatable, Sendable {
    public var name: String
    public var contents: String
}

/// Interfaces in, proxy files out, or the audit's diagnostics and nothing else.
public enum Generation {
    public enum Outcome {
        case files([GeneratedFile])
        case refused([Diagnostic])
    }

    public static func run(_ files: [SourceFile]) -> Outcome {
        let audit = InterfaceAudit.audit(files)
        guard audit.diagnostics.isEmpty else { return .refused(audit.diagnostics) }
        let proxies = audit.interfaces
            .map { GeneratedFile(name: $0.proxyFileName, contents: ProxyWriter.source(for: $0)) }
            .sorted { $0.name < $1.name }
        return .files(proxies)
    }
}
