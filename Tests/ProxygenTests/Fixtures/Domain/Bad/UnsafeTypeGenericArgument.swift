// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:24: error: 'UnsafeRawPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 9:39: error: 'UnsafeMutablePointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 11:45: error: 'UnsafePointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
import LeafInterfaces

public final class Table {
    private var rows: [UnsafeRawPointer] = []
    private var index: [Int: Optional<UnsafeMutablePointer<Int>>] = [:]

    func first<T>(as type: T.Type) -> Array<UnsafePointer<T>> { [] }
}
