// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 10:23: error: 'UnsafeMutableRawBufferPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 11:25: error: 'Unmanaged' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 12:25: error: 'OpaquePointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 14:16: error: 'UnsafeMutableRawBufferPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 14:55: error: 'Unmanaged' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
import LeafInterfaces

public final class Buffer {
    private var base: UnsafeMutableRawBufferPointer
    private let handle: Unmanaged<Buffer>
    private var cursor: OpaquePointer?

    init(base: UnsafeMutableRawBufferPointer, handle: Unmanaged<Buffer>) {
        self.base = base
        self.handle = handle
    }
}
