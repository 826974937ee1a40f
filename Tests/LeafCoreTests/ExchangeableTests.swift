import Foundation
import Testing

/// Only exchangeable values can live in the shared heap, and Swift says so at compile time:
/// these snippets must not compile against the built LeafCore module (ownership errors come
/// from the SIL move checker, hence `-emit-sil` rather than `-typecheck`).
@Suite struct ExchangeableTests {
    static let rejected: [(snippet: String, diagnostic: String)] = [
        ("let r = try RRef(\"a string\")", "requires that 'String' conform to 'BitwiseCopyable'"),
        ("final class Node {}; let r = try RRef(Node())", "requires that 'Node' conform to 'BitwiseCopyable'"),
        ("let d = try RRefDeque<[Int], 4>()", "type '[Int]' does not conform to protocol 'BitwiseCopyable'"),
        ("let a = try RRefArray<String, 2>()", "type 'String' does not conform to protocol 'BitwiseCopyable'"),
        ("let r = try RRef(1); let moved = r; _ = moved.id; _ = r.id", "'r' used after consume"),
    ]

    @Test(arguments: 0..<rejected.count)
    func nonExchangeableValuesDoNotCompile(case index: Int) throws {
        let (snippet, diagnostic) = Self.rejected[index]
        let output = try compile("import LeafCore\nfunc f() throws {\n\(snippet)\n}\n")
        #expect(output.status != 0, "compiled: \(snippet)")
        #expect(output.text.contains(diagnostic), "\(snippet): \(output.text)")
    }

    @Test func exchangeableValuesCompile() throws {
        let output = try compile("""
            import LeafCore
            struct Packet: BitwiseCopyable { var length: UInt16; var bytes: (UInt64, UInt64) }
            func f() throws {
                var d = try RRefDeque<Packet, 32>()
                _ = d.push(try RRef(Packet(length: 0, bytes: (0, 0))))
                let r = try RRef(InlineArray<64, UInt8>(repeating: 0))
                _ = r.id
            }
            """)
        #expect(output.status == 0, "\(output.text)")
    }

    /// Compiles `source` to SIL against the modules next to the test binary.
    func compile(_ source: String) throws -> (status: Int32, text: String) {
        let binary = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        let modules = binary.deletingLastPathComponent().appendingPathComponent("Modules").path
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("exchangeable-\(UUID().uuidString).swift")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["swiftc", "-emit-sil", "-o", "/dev/null", "-I", modules,
                             "-I", root.appendingPathComponent("Sources/CLeafGate/include").path, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
