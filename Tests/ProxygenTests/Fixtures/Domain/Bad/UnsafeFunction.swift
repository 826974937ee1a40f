// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 12:20: error: 'unsafeBitCast' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 13:20: error: 'unsafeDowncast' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 14:27: error: 'withUnsafeBytes' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 16:14: error: 'withUnsafeMutableBufferPointer' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 17:27: error: 'unsafelyUnwrapped' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 18:35: error: 'unsafelyUnwrapped' skips Swift's safety checks or hands out a pointer [unsafe-function]
import LeafInterfaces

public final class Tricks {
    func run(_ object: AnyObject, _ bytes: [UInt8], _ maybe: Int?) -> Int {
        let bits = unsafeBitCast(object, to: Int.self)
        let down = unsafeDowncast(object, to: Tricks.self)
        let count = bytes.withUnsafeBytes { $0.count }
        var copy = bytes
        copy.withUnsafeMutableBufferPointer { _ in }
        let value = maybe.unsafelyUnwrapped
        let path = \Optional<Int>.unsafelyUnwrapped
        _ = (down, path)
        return bits + count + value
    }
}
