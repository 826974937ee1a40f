import LeafSDK

/// Whole files through any file system: the loop of 4 KiB buffers moved in and out that mkfs,
/// the tests and the kernel's self-test each need (and Rv6's programs will). One buffer serves
/// every call. No shared-heap room for it or for the path is `noSpace`.
extension FileSystem {
    /// Writes `bytes` as the whole of `path` (created, or emptied first); the first error, if any.
    public func writeFile(_ path: String, _ bytes: [UInt8], from directory: FileHandle = .none) throws(RpcError) -> SystemError {
        guard let name = try? RRef(PathName(path)), var buffer = try? RRef(FileData()) else { return .noSpace }
        let opened = try open(name, from: directory, flags: .create | .writeOnly | .truncate)
        guard opened.error == .none else { return opened.error }
        var done = 0
        var outcome = SystemError.none
        while done < bytes.count && outcome == .none {
            let n = min(FileData.capacity, bytes.count - done)
            var data = FileData(length: n)
            for i in 0..<n { data.bytes[i] = bytes[done + i] }
            guard (try? buffer.write(data)) != nil else { outcome = .noSpace; break }
            buffer = try write(opened.handle, at: UInt64(done), from: buffer)
            let written = Int((try? buffer.read(FileData.lengthField)) ?? 0)
            outcome = (try? buffer.read(FileData.errorField)) ?? .invalidArgument
            // A short write always says why; one that does not is refused rather than looped on.
            if outcome == .none && written != n { outcome = .invalidArgument }
            done += written
        }
        let closed = try close(opened.handle)
        return outcome == .none ? closed : outcome
    }

    /// The whole file (or directory) at `path`, or why not.
    public func readFile(_ path: String, from directory: FileHandle = .none) throws(RpcError) -> Result<[UInt8], SystemError> {
        guard let name = try? RRef(PathName(path)), var buffer = try? RRef(FileData()) else { return .failure(.noSpace) }
        let opened = try open(name, from: directory, flags: .readOnly)
        guard opened.error == .none else { return .failure(opened.error) }
        var bytes: [UInt8] = []
        var outcome = SystemError.none
        while outcome == .none {
            guard (try? buffer.write(UInt32(FileData.capacity), to: FileData.lengthField)) != nil else { outcome = .noSpace; break }
            buffer = try read(opened.handle, at: UInt64(bytes.count), into: buffer)
            guard let v = try? buffer.read() else { outcome = .noSpace; break }
            outcome = v.error
            if outcome != .none || v.length == 0 { break }
            for i in 0..<Int(v.length) { bytes.append(v.bytes[i]) }
        }
        _ = try close(opened.handle)
        return outcome == .none ? .success(bytes) : .failure(outcome)
    }
}
