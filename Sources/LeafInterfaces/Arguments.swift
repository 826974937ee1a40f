import LeafSDK

/// A program's argument vector as it crosses to the Rv6 kernel and to the program (xv6's argv,
/// MAXARG 16 of them): the arguments one after another, each ended by a NUL, in 512 bytes.
/// Argument 0 is the program's name.
public struct ArgumentList: Exchangeable, Sendable {
    public var bytes: InlineArray<512, UInt8>
    /// Bytes of `bytes` in use, and the arguments they hold.
    public var length: UInt16
    public var count: UInt16
    public static var exchangeableTypeID: UInt64 { 0xdb0f_1bf0_b326_2ae2 }   // FNV-1a of "LeafInterfaces.ArgumentList"

    public static var maximumCount: Int { 16 }
    public static var capacity: Int { 512 }

    /// `arguments`, or nil when they do not fit (more than 16, over 512 bytes with their NULs,
    /// or one holding a NUL).
    public init?(_ arguments: [String]) {
        bytes = .init(repeating: 0)
        length = 0
        count = 0
        guard arguments.count <= ArgumentList.maximumCount else { return nil }
        var at = 0
        for argument in arguments {
            let utf8 = argument.utf8
            guard at + utf8.count + 1 <= ArgumentList.capacity, !utf8.contains(0) else { return nil }
            for b in utf8 { bytes[at] = b; at += 1 }
            bytes[at] = 0
            at += 1
        }
        length = UInt16(at)
        count = UInt16(arguments.count)
    }

    /// The arguments, read back; nil when the list is malformed (a count or length out of
    /// range, or fewer NUL-ended arguments than it claims): the receiver checks, since the
    /// sender filled the bytes.
    public var arguments: [String]? {
        guard Int(count) <= ArgumentList.maximumCount, Int(length) <= ArgumentList.capacity else { return nil }
        var result: [String] = []
        var start = 0
        for i in 0..<Int(length) where bytes[i] == 0 {
            var piece: [UInt8] = []
            for j in start..<i { piece.append(bytes[j]) }
            result.append(String(decoding: piece, as: UTF8.self))
            start = i + 1
        }
        guard result.count == Int(count), start == Int(length) else { return nil }
        return result
    }
}
