import LeafInterfaces
import LeafSDK

/// An open file (xv6's struct file), shared by the descriptors dup and spawn made of it.
struct OpenFile {
    enum Kind: Equatable {
        /// A file or directory the file system holds open.
        case inode(FileHandle)
        case pipeReadEnd(Int)
        case pipeWriteEnd(Int)
        /// The console: a device file of major 1, or the descriptors init starts with.
        case console
        /// A device file the console also answers (its handle is closed with it).
        case consoleDevice(FileHandle)
    }
    var kind: Kind
    var readable: Bool
    var writable: Bool
    /// Writes go at the end of the file, wherever reads are (sh's `>>`).
    var appends = false
    var offset: UInt64 = 0
    var references = 1
}

extension Rv6Kernel {
    static var consoleMajor: Int16 { 1 }

    func allocateFile(_ file: OpenFile) -> Int? {
        guard let i = files.firstIndex(where: { $0 == nil }) else { return nil }
        files[i] = file
        return i
    }

    /// The open file behind descriptor `fd` of process `index`, if it is open.
    func openFile(_ index: Int, _ fd: Int32) -> Int? {
        guard fd >= 0, Int(fd) < Rv6Kernel.descriptorLimit else { return nil }
        let file = processes[index].descriptors[Int(fd)]
        return file >= 0 ? file : nil
    }

    /// The lowest free descriptor of process `index`, now naming `file`.
    func allocateDescriptor(_ index: Int, _ file: Int) -> Int32? {
        guard let fd = processes[index].descriptors.firstIndex(of: -1) else { return nil }
        processes[index].descriptors[fd] = file
        return Int32(fd)
    }

    func closeDescriptor(_ index: Int, _ fd: Int) {
        let file = processes[index].descriptors[fd]
        guard file >= 0 else { return }
        processes[index].descriptors[fd] = -1
        release(file)
    }

    /// Drops a reference to an open file; the last one closes what it holds.
    func release(_ file: Int) {
        guard var f = files[file] else { return }
        f.references -= 1
        guard f.references == 0 else {
            files[file] = f
            return
        }
        files[file] = nil
        switch f.kind {
        case .inode(let handle), .consoleDevice(let handle):
            closeHandle(handle)
        case .pipeReadEnd(let p):
            closePipeEnd(p, writing: false)
        case .pipeWriteEnd(let p):
            closePipeEnd(p, writing: true)
        case .console:
            break
        }
    }

    /// Lets a file-system handle go (a file's, a device's or a directory's).
    func closeHandle(_ handle: FileHandle) {
        if handle != .none { _ = try? fileSystem?.close(handle) }
    }

    func read(_ index: Int, _ fd: Int32, _ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        guard let file = openFile(index, fd), let f = files[file] else { return failed(buffer, .badDescriptor) }
        guard f.readable else { return failed(buffer, .wrongMode) }
        switch f.kind {
        case .inode(let handle):
            guard let fileSystem else { return failed(buffer, .noFileSystem) }
            let done: RRef<FileData>
            // A file system that crashes takes the buffer with it: the caller hears of the failure.
            do { done = try fileSystem.read(handle, at: f.offset, into: buffer) } catch { throw .deviceFailed }
            let count = (try? done.read(FileData.lengthField)) ?? 0
            files[file]?.offset += UInt64(count)
            return done
        case .pipeReadEnd(let p):
            return pipeRead(index, p, buffer)
        case .console, .consoleDevice:
            return try consoleRead(index, buffer)
        case .pipeWriteEnd:
            return failed(buffer, .wrongMode)
        }
    }

    func write(_ index: Int, _ fd: Int32, _ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        guard let file = openFile(index, fd), let f = files[file] else { return failed(buffer, .badDescriptor) }
        guard f.writable else { return failed(buffer, .wrongMode) }
        switch f.kind {
        case .inode(let handle):
            guard let fileSystem else { return failed(buffer, .noFileSystem) }
            var offset = f.offset
            if f.appends {
                guard let status = try? fileSystem.status(handle), status.error == .none else { return failed(buffer, .ioError) }
                offset = status.size
            }
            let done: RRef<FileData>
            do { done = try fileSystem.write(handle, at: offset, from: buffer) } catch { throw .deviceFailed }
            let count = (try? done.read(FileData.lengthField)) ?? 0
            files[file]?.offset = offset + UInt64(count)
            return done
        case .pipeWriteEnd(let p):
            return pipeWrite(index, p, buffer)
        case .console, .consoleDevice:
            return try consoleWrite(buffer)
        case .pipeReadEnd:
            return failed(buffer, .wrongMode)
        }
    }

    /// The buffer back with nothing done and why.
    func failed(_ buffer: consuming RRef<FileData>, _ error: SystemError) -> RRef<FileData> {
        var buffer = buffer
        try? buffer.write(UInt32(0), to: FileData.lengthField)
        try? buffer.write(error, to: FileData.errorField)
        return buffer
    }
}
