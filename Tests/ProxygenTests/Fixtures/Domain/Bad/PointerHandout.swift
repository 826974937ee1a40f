// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 11:22: error: 'withContiguousStorageIfAvailable' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 12:14: error: 'withContiguousMutableStorageIfAvailable' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 14:25: error: 'withUTF8' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 15:24: error: 'withCString' skips Swift's safety checks or hands out a pointer [unsafe-function]
import LeafInterfaces

/// These hand a closure a raw buffer pointer whose type need not be written.
public func total(_ values: [Int], _ text: String) -> Int {
    var copy = values
    let sum = values.withContiguousStorageIfAvailable { buffer in buffer.reduce(0, +) } ?? 0
    _ = copy.withContiguousMutableStorageIfAvailable { buffer in buffer[0] = 1 }
    var string = text
    let length = string.withUTF8 { $0.count }
    let cLength = text.withCString { _ in 0 }
    return sum + length + cLength
}
