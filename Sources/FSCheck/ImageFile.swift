#if canImport(Glibc)
import Glibc
#endif

/// Reading and writing a disk image as a whole (the host tools' only file I/O).
public enum ImageFile {
    public static func read(_ path: String) -> [UInt8]? {
        guard let f = fopen(path, "rb") else { return nil }
        defer { fclose(f) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 65536, f) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return ferror(f) == 0 ? bytes : nil
    }

    public static func write(_ bytes: [UInt8], to path: String) -> Bool {
        guard let f = fopen(path, "wb") else { return false }
        let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, bytes.count, f) }
        return fclose(f) == 0 && n == bytes.count
    }

    /// The system's message for the last failed call.
    public static var lastError: String { String(cString: strerror(errno)) }
}
