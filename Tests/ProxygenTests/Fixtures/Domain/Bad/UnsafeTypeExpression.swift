// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 11:20: error: 'UnsafeMutablePointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 12:19: error: 'UnsafeRawPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 13:36: error: 'UnsafeRawPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 14:30: error: 'OpaquePointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
// expect: 15:33: error: 'UnsafeRawPointer' carries an address the compiler does not check: with it a domain can reach any memory [unsafe-type]
import LeafInterfaces

public final class Arena {
    func grab(_ value: Any) -> Int {
        let slot = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        let raw = UnsafeRawPointer(bitPattern: 0x1000)
        if let pointer = value as? UnsafeRawPointer { return Int(bitPattern: pointer) }
        let cast = value as! OpaquePointer
        let size = MemoryLayout<UnsafeRawPointer>.size
        _ = (slot, raw, cast)
        return size
    }
}
