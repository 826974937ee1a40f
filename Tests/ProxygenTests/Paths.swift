import Foundation

/// Where the tests find the repository's interfaces and proxies and their own fixtures.
enum Paths {
    static let tests = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repository = tests.deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = tests.appendingPathComponent("Fixtures")
    static let interfaces = repository.appendingPathComponent("Sources/LeafInterfaces")
    static let proxies = repository.appendingPathComponent("Sources/LeafProxies")

    static func text(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    static func swiftFiles(in folder: URL) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "swift" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// The interface files as the tool reads them, named as the header prints them.
    static func interfaceSources() throws -> [SourceFileInput] {
        try swiftFiles(in: interfaces).map { SourceFileInput(path: "Sources/LeafInterfaces/" + $0.lastPathComponent, text: try text($0)) }
    }

    /// A fresh temporary folder.
    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("proxygen-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

struct SourceFileInput {
    var path: String
    var text: String
}
