import Testing

/// Only exchangeable values can live in the shared heap, and Swift says so at compile time:
/// these snippets must not compile against the built LeafCore module (ownership errors come
/// from the SIL move checker, hence `-emit-sil` rather than `-typecheck`).
@Suite struct ExchangeableTests {
    static let rejected: [(snippet: String, diagnostic: String)] = [
        ("let r = try RRef(\"a string\")", "requires that 'String' conform to 'Exchangeable'"),
        ("final class Node {}; let r = try RRef(Node())", "requires that 'Node' conform to 'Exchangeable'"),
        ("let d = try RRefDeque<[Int], 4>()", "type '[Int]' does not conform to protocol 'Exchangeable'"),
        ("let a = try RRefArray<String, 2>()", "type 'String' does not conform to protocol 'Exchangeable'"),
        // BitwiseCopyable is not enough: a plain struct has no type identity of its own.
        ("struct Plain: BitwiseCopyable { var x: Int }; let r = try RRef(Plain(x: 1))", "requires that 'Plain' conform to 'Exchangeable'"),
        ("let r = try RRef(1); let moved = r; _ = moved.id; _ = r.id", "'r' used after consume"),
    ]

    @Test(arguments: 0..<rejected.count)
    func nonExchangeableValuesDoNotCompile(case index: Int) throws {
        let (snippet, diagnostic) = Self.rejected[index]
        let output = try SnippetCompiler.compile("import LeafSDK\nfunc f() throws {\n\(snippet)\n}\n")
        #expect(output.status != 0, "compiled: \(snippet)")
        #expect(output.text.contains(diagnostic), "\(snippet): \(output.text)")
    }

    @Test func exchangeableValuesCompile() throws {
        let output = try SnippetCompiler.compile("""
            import LeafSDK
            struct Packet: Exchangeable {
                var length: UInt16
                var bytes: InlineArray<2, UInt64>
                static var exchangeableTypeID: UInt64 { 0x1234 }
            }
            func f() throws {
                var d = try RRefDeque<Packet, 32>()
                _ = d.push(try RRef(Packet(length: 0, bytes: .init(repeating: 0))))
                let r = try RRef(InlineArray<64, UInt8>(repeating: 0))
                _ = r.id
            }
            """)
        #expect(output.status == 0, "\(output.text)")
    }
}
