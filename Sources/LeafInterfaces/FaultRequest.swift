import LeafSDK

/// A fault for `crash DOMAIN` to inject: the domain named, and what it is to take at the next
/// call into it. Raw fields, so that any bytes cross; the process host checks them.
public struct FaultRequest: Exchangeable, Sendable {
    public static let nameCapacity = 32
    public var name: InlineArray<32, UInt8>
    public var nameLength: UInt8
    /// 1: a Swift trap (what a failed check does); 2: a CPU exception (a division by zero).
    public var kind: UInt8
    public static var exchangeableTypeID: UInt64 { 0x80ff_360d_68c5_d860 }   // FNV-1a of "LeafInterfaces.FaultRequest"

    public static let trap: UInt8 = 1
    public static let exception: UInt8 = 2

    /// Nil when the name is empty or longer than 32 bytes.
    public init?(domain: String, kind: UInt8) {
        let bytes = Array(domain.utf8)
        guard !bytes.isEmpty && bytes.count <= Self.nameCapacity else { return nil }
        name = .init(repeating: 0)
        for (i, b) in bytes.enumerated() { name[i] = b }
        nameLength = UInt8(bytes.count)
        self.kind = kind
    }

    /// The domain's name; nil when the length is out of range.
    public var domain: String? {
        guard nameLength > 0 && Int(nameLength) <= Self.nameCapacity else { return nil }
        var bytes: [UInt8] = []
        for i in 0..<Int(nameLength) { bytes.append(name[i]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
