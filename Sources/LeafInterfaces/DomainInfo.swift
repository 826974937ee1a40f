/// One domain slot as `ps` shows it: what lives there and what the kernel charges it.
public struct DomainInfo: BitwiseCopyable, Sendable {
    /// The raw `DomainID`.
    public var id: UInt16
    /// False past the last slot the kernel has used.
    public var exists: Bool
    /// 0 never used, 1 live, 2 crashed, 3 stopped (torn down; it may be restarted or reused).
    public var state: UInt8
    /// A process's domain, reaped and kept for the next process (whatever its state says).
    public var keptForReuse: Bool
    public var name: InlineArray<16, UInt8>
    /// How many times it was restarted or reused (0: its first life).
    public var restarts: UInt32
    /// Threads at home in it or with a call into it on their stacks.
    public var threads: UInt16
    public var objects: UInt32
    public var pages: UInt32

    public init(id: UInt16) {
        self.id = id
        exists = false
        state = 0
        keptForReuse = false
        name = .init(repeating: 0)
        restarts = 0
        threads = 0
        objects = 0
        pages = 0
    }

    public var stateName: String {
        switch state {
        case 1: "live"
        case 2: "crashed"
        case 3: "stopped"
        default: "unused"
        }
    }
    public var domainName: String { ShortName.decode(name) }
}

/// A name in 16 bytes, NUL-padded (cut at 16), as the process and domain tables carry names.
public enum ShortName {
    public static func encode(_ text: String) -> InlineArray<16, UInt8> {
        var bytes = InlineArray<16, UInt8>(repeating: 0)
        for (i, b) in text.utf8.prefix(16).enumerated() { bytes[i] = b }
        return bytes
    }
    public static func decode(_ bytes: InlineArray<16, UInt8>) -> String {
        var text: [UInt8] = []
        for i in 0..<16 where bytes[i] != 0 { text.append(bytes[i]) }
        return String(decoding: text, as: UTF8.self)
    }
}
