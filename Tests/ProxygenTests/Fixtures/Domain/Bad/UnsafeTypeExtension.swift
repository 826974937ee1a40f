// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 9:11: error: 'UnsafeMutablePointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 13:34: error: 'UnsafeRawPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 15:43: error: '_Pointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 17:21: error: 'UnsafeRawPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
import LeafInterfaces

/// Adding methods to pointer types, or taking them as a constraint.
extension UnsafeMutablePointer where Pointee == Int {
    func bump() { pointee += 1 }
}

extension Array where Element == UnsafeRawPointer {}

protocol Addressed { associatedtype Base: _Pointer }

typealias Address = UnsafeRawPointer
