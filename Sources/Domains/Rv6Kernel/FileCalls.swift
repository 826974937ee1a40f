import LeafInterfaces
import LeafSDK

/// The system calls on names and descriptors (xv6's sysfile.c). Paths are lent on to the file
/// system as the caller lent them, relative to the caller's directory.
extension Rv6Kernel {
    func openPath(_ path: PathName, from directory: FileHandle, flags: OpenFlags) -> OpenOutcome {
        guard let name = try? RRef(path) else { return OpenOutcome(handle: .none, type: .free, error: .tooManyFiles) }
        return open(name, from: directory, flags: flags)
    }

    func open(_ path: borrowing RRef<PathName>, from directory: FileHandle, flags: OpenFlags) -> OpenOutcome {
        guard let fileSystem else { return OpenOutcome(handle: .none, type: .free, error: .noFileSystem) }
        do { return try fileSystem.open(path, from: directory, flags: flags) } catch {
            return OpenOutcome(handle: .none, type: .free, error: .ioError)
        }
    }

    func open(_ index: Int, _ path: borrowing RRef<PathName>, flags: OpenFlags) -> SystemResult {
        let mode = flags.raw & 0x3
        guard mode <= 2 else { return .failed(.invalidArgument) }
        let opened = open(path, from: processes[index].directory, flags: flags)
        guard opened.error == .none else { return .failed(opened.error) }
        var file = OpenFile(kind: .inode(opened.handle), readable: mode != 1, writable: mode != 0)
        file.appends = flags.appends
        if opened.type == .device {
            let major = (try? fileSystem?.status(opened.handle))??.major
            guard major == Rv6Kernel.consoleMajor else {
                closeHandle(opened.handle)
                return .failed(.noDevice)
            }
            file.kind = .consoleDevice(opened.handle)
        }
        guard let f = allocateFile(file) else {
            closeHandle(opened.handle)
            return .failed(.tooManyFiles)
        }
        guard let fd = allocateDescriptor(index, f) else {
            release(f)
            return .failed(.tooManyFiles)
        }
        return SystemResult(value: fd)
    }

    func dup(_ index: Int, _ fd: Int32) -> SystemResult {
        guard let file = openFile(index, fd) else { return .failed(.badDescriptor) }
        guard let copy = allocateDescriptor(index, file) else { return .failed(.tooManyFiles) }
        files[file]?.references += 1
        return SystemResult(value: copy)
    }

    func close(_ index: Int, _ fd: Int32) -> SystemError {
        guard openFile(index, fd) != nil else { return .badDescriptor }
        closeDescriptor(index, Int(fd))
        return .none
    }

    func fstat(_ index: Int, _ fd: Int32) -> FileStatus {
        func status(_ error: SystemError, type: InodeType = .free) -> FileStatus {
            FileStatus(device: 0, inode: 0, type: type, links: 0, size: 0, major: 0, minor: 0, error: error)
        }
        guard let file = openFile(index, fd), let f = files[file] else { return status(.badDescriptor) }
        switch f.kind {
        case .inode(let handle), .consoleDevice(let handle):
            guard let fileSystem else { return status(.noFileSystem) }
            return (try? fileSystem.status(handle)) ?? status(.ioError)
        case .pipeReadEnd(let p), .pipeWriteEnd(let p):
            var s = status(.none)
            s.size = UInt64(pipes[p]?.count ?? 0)
            return s
        case .console:
            var s = status(.none, type: .device)
            s.major = Rv6Kernel.consoleMajor
            return s
        }
    }

    /// A call on names that the file system answers with an error.
    func onNames(_ body: (any FileSystem) throws(RpcError) -> SystemError) -> SystemError {
        guard let fileSystem else { return .noFileSystem }
        do { return try body(fileSystem) } catch { return .ioError }
    }

    func chdir(_ index: Int, _ path: borrowing RRef<PathName>) -> SystemError {
        let opened = open(path, from: processes[index].directory, flags: .readOnly)
        guard opened.error == .none else { return opened.error }
        guard opened.type == .directory else {
            closeHandle(opened.handle)
            return .notDirectory
        }
        closeHandle(processes[index].directory)
        processes[index].directory = opened.handle
        return .none
    }
}
