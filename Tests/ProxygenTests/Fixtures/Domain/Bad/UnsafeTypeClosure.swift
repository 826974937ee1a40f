// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:25: error: 'UnsafeRawPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 10:24: error: 'UnsafeMutableBufferPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 12:27: error: 'AutoreleasingUnsafeMutablePointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
import LeafInterfaces

public final class Walker {
    private var visit: (UnsafeRawPointer, Int) -> Void = { _, _ in }

    func each(_ body: (UnsafeMutableBufferPointer<UInt8>) throws -> Int) rethrows -> Int { 0 }

    func later() -> () -> AutoreleasingUnsafeMutablePointer<Int>? { { nil } }
}
