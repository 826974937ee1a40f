import Foundation

/// Compiles a snippet of Swift against the modules built next to the test binary, the way a
/// domain is compiled: to SIL (ownership errors come from the move checker), with strict memory
/// safety as an error, and, by default, with only the modules a domain may import on the search
/// path (LeafSDK, LeafInterfaces, and LeafCore and LeafDevices behind the SDK).
enum SnippetCompiler {
    static let domainModules = ["LeafCore", "LeafDevices", "LeafSDK", "LeafInterfaces"]

    static func compile(_ source: String, asDomain: Bool = true) throws -> (status: Int32, text: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let modules = binary.deletingLastPathComponent().appendingPathComponent("Modules")
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("snippet-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var searchPath = modules
        if asDomain {
            searchPath = scratch.appendingPathComponent("sdk")
            try FileManager.default.createDirectory(at: searchPath, withIntermediateDirectories: true)
            for m in domainModules {
                try FileManager.default.copyItem(at: modules.appendingPathComponent("\(m).swiftmodule"),
                                                 to: searchPath.appendingPathComponent("\(m).swiftmodule"))
            }
        }
        let file = scratch.appendingPathComponent("snippet.swift")
        try source.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        var arguments = ["swiftc", "-emit-sil", "-o", "/dev/null", "-I", searchPath.path,
                         "-I", root.appendingPathComponent("Sources/CLeafGate/include").path,
                         "-I", root.appendingPathComponent("Sources/CLeafDevices/include").path]
        if asDomain { arguments += ["-strict-memory-safety", "-Werror", "StrictMemorySafety"] }
        process.arguments = arguments + [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
