import LeafInterfaces
import LeafSDK

// The FileSystem interface (xv6's sysfile.c, its file-system half). Each operation that changes
// the disk is a transaction: committed before it returns, or, if it fails, abandoned with
// nothing of it on the disk or in the cache.
extension Rv6FS: FileSystem {
    /// The largest write one transaction carries (xv6's filewrite: (MAXOPBLOCKS-1-1-2)/2
    /// blocks, leaving room for the inode, an indirect block and two bitmap blocks).
    static var writeChunk: Int { (DiskFormat.maximumOperationBlocks - 4) / 2 * DiskFormat.blockSize }

    /// Runs `body` as one transaction.
    func transaction<R>(_ body: () throws(SystemError) -> R) throws(SystemError) -> R {
        try ready()
        let result: R
        do { result = try body() } catch {
            abandon()
            throw error
        }
        try commit()
        return result
    }

    /// Mounted, with any committed transaction installed.
    func ready() throws(SystemError) {
        guard isMounted else { throw mount.problem == .deviceError ? .ioError : .corrupt }
        if needsRecovery { try recover() }
    }

    // MARK: handles

    func inode(of handle: FileHandle) throws(SystemError) -> UInt32 {
        let slot = Int(handle.raw & 0xffff) - 1
        guard slot >= 0, slot < Self.openInodes, openInode[slot] != 0, generation[slot] == UInt16(handle.raw >> 16) else {
            throw .badHandle
        }
        return openInode[slot]
    }

    func freeHandleSlot() throws(SystemError) -> Int {
        guard let slot = openInode.firstIndex(of: 0) else { throw .tooManyOpen }
        return slot
    }

    func isOpen(_ inode: UInt32) -> Bool { openInode.contains(inode) }

    /// Frees an inode no name and no handle refers to (xv6's iput of the last reference).
    func freeIfUnreferenced(_ inode: UInt32) throws(SystemError) {
        guard !isOpen(inode) else { return }
        let value = try readInode(inode)
        guard value.links <= 0, value.type != .free else { return }
        try truncate(inode)
        try writeInode(inode, DiskInode())
    }

    // MARK: FileSystem

    public func open(_ path: borrowing RRef<PathName>, from directory: FileHandle, flags: OpenFlags) throws(RpcError) -> OpenOutcome {
        do {
            let slot = try freeHandleSlot()
            let (inode, type) = try transaction { () throws(SystemError) -> (UInt32, InodeType) in
                let inode: UInt32
                if flags.creates {
                    inode = try create(path, from: directory, type: .file, major: 0, minor: 0, existingFileAllowed: true)
                } else {
                    inode = try resolve(path, from: directory)
                }
                let value = try readInode(inode)
                if value.type == .directory && (flags.writes || flags.truncates) { throw .isDirectory }
                if value.type == .free || value.links < 1 { throw .corrupt }   // a name for a free or unlinked inode
                if flags.truncates && value.type == .file { try truncate(inode) }
                return (inode, value.type)
            }
            openInode[slot] = inode
            return OpenOutcome(handle: FileHandle(raw: UInt32(generation[slot]) << 16 | UInt32(slot + 1)), type: type, error: .none)
        } catch {
            return OpenOutcome(handle: .none, type: .free, error: error)
        }
    }

    public func close(_ handle: FileHandle) throws(RpcError) -> SystemError {
        do throws(SystemError) {
            let inode = try inode(of: handle)
            let slot = Int(handle.raw & 0xffff) - 1
            openInode[slot] = 0
            do throws(SystemError) { try transaction { () throws(SystemError) in try freeIfUnreferenced(inode) } } catch {
                // Not freed for want of the device: the handle stays, so that closing it again
                // can. Any other failure (a corrupt inode) would fail again: the handle goes.
                if error == .ioError { openInode[slot] = inode; throw error }
            }
            generation[slot] = generation[slot] == UInt16.max ? 1 : generation[slot] + 1
            return .none
        } catch { return error }
    }

    /// A read or write of the buffer's `length` bytes: `body` gets the inode, the length and
    /// the buffer, returns the bytes done and may note why it stopped short; the buffer goes
    /// back with both.
    func moving(_ handle: FileHandle, _ buffer: consuming RRef<FileData>,
                _ body: (UInt32, Int, inout RRef<FileData>, inout SystemError) throws(SystemError) -> Int) -> RRef<FileData> {
        var buffer = buffer
        var done = 0
        var outcome = SystemError.none
        do throws(SystemError) {
            let inode = try inode(of: handle)
            guard let wanted = try? buffer.read(FileData.lengthField), wanted <= UInt32(FileData.capacity) else {
                throw .invalidArgument
            }
            try ready()
            done = try body(inode, Int(wanted), &buffer, &outcome)
        } catch { outcome = error }
        try? buffer.write(UInt32(done), to: FileData.lengthField)
        try? buffer.write(outcome, to: FileData.errorField)
        return buffer
    }

    public func read(_ handle: FileHandle, at offset: UInt64, into buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        moving(handle, buffer) { (inode, wanted, buffer, _) throws(SystemError) -> Int in
            guard try readInode(inode).type != .device else { throw .invalidArgument }
            return try readData(inode, at: offset, count: wanted, into: &buffer)
        }
    }

    public func write(_ handle: FileHandle, at offset: UInt64, from buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        moving(handle, buffer) { (inode, wanted, buffer, outcome) throws(SystemError) -> Int in
            let type = try readInode(inode).type
            guard type == .file else { throw type == .directory ? .isDirectory : .invalidArgument }
            var done = 0
            while done < wanted {
                let n = min(wanted - done, Self.writeChunk)
                let written: Int
                var stopped = SystemError.none
                do throws(SystemError) {
                    written = try transaction { () throws(SystemError) -> Int in
                        try writeData(inode, at: offset + UInt64(done), count: n, from: buffer, at: done, stopped: &stopped)
                    }
                } catch {
                    if done == 0 { throw error }
                    outcome = error   // what earlier transactions wrote stays: the caller learns why it stopped
                    break
                }
                done += written
                if written < n {
                    outcome = stopped
                    break
                }
            }
            return done
        }
    }

    public func status(_ handle: FileHandle) throws(RpcError) -> FileStatus {
        do {
            let inode = try inode(of: handle)
            try ready()
            let v = try readInode(inode)
            return FileStatus(device: 1, inode: inode, type: v.type, links: v.links, size: UInt64(v.size),
                              major: v.major, minor: v.minor, error: .none)
        } catch {
            return FileStatus(device: 0, inode: 0, type: .free, links: 0, size: 0, major: 0, minor: 0, error: error)
        }
    }

    public func link(_ existing: borrowing RRef<PathName>, to new: borrowing RRef<PathName>, from directory: FileHandle) throws(RpcError) -> SystemError {
        do {
            try transaction { () throws(SystemError) in
                let inode = try resolve(existing, from: directory)
                var value = try readInode(inode)
                guard value.type != .directory else { throw .isDirectory }
                guard value.type != .free, value.links >= 1 else { throw .corrupt }   // a name for a free inode
                guard value.links < Int16.max else { throw .invalidArgument }
                let (parent, name) = try resolveParent(new, from: directory)
                guard try lookup(name, in: parent) == nil else { throw .exists }
                value.links += 1
                try writeInode(inode, value)
                try addEntry(name, inode: inode, in: parent)
            }
            return .none
        } catch { return error }
    }

    public func unlink(_ path: borrowing RRef<PathName>, from directory: FileHandle) throws(RpcError) -> SystemError {
        do {
            try transaction { () throws(SystemError) in
                let (parent, name) = try resolveParent(path, from: directory)
                guard !name.isDotOrDotDot else { throw .badPath }
                guard let (inode, offset) = try lookup(name, in: parent) else { throw .notFound }
                var value = try readInode(inode)
                guard value.links >= 1 else { throw .corrupt }
                if value.type == .directory {
                    guard try isEmpty(inode) else { throw .notEmpty }
                }
                try writeEntry(DirectoryEntry(inode: 0, name: .init(repeating: 0)), at: offset, in: parent)
                if value.type == .directory {
                    // Its ".." no longer names the parent.
                    var up = try readInode(parent)
                    guard up.links >= 1 else { throw .corrupt }
                    up.links -= 1
                    try writeInode(parent, up)
                }
                value.links -= 1
                try writeInode(inode, value)
                if value.links == 0 { try freeIfUnreferenced(inode) }
            }
            return .none
        } catch { return error }
    }

    public func makeDirectory(_ path: borrowing RRef<PathName>, from directory: FileHandle) throws(RpcError) -> SystemError {
        do {
            _ = try transaction { () throws(SystemError) -> UInt32 in
                try create(path, from: directory, type: .directory, major: 0, minor: 0, existingFileAllowed: false)
            }
            return .none
        } catch { return error }
    }

    public func makeDevice(_ path: borrowing RRef<PathName>, from directory: FileHandle, major: Int16, minor: Int16) throws(RpcError) -> SystemError {
        do {
            _ = try transaction { () throws(SystemError) -> UInt32 in
                try create(path, from: directory, type: .device, major: major, minor: minor, existingFileAllowed: false)
            }
            return .none
        } catch { return error }
    }

    public func sync() throws(RpcError) -> SystemError {
        do {
            try ready()
            try cache.flush()
            return .none
        } catch { return error }
    }

    public func statistics() throws(RpcError) -> FileSystemStatistics {
        var s = FileSystemStatistics(commits: commits, loggedBlocks: loggedBlocks, cacheHits: cache.hits,
                                     deviceReads: cache.deviceReads, deviceWrites: cache.deviceWrites,
                                     recoveredBlocks: recoveredBlocks)
        if isMounted, let (blocks, inodes) = try? countFree() {
            s.freeBlocks = blocks
            s.freeInodes = inodes
        }
        return s
    }

    public func mountStatus() throws(RpcError) -> MountStatus { mount }

    // MARK: helpers

    /// Makes `path` a new inode of `type` (xv6's create). With `existingFileAllowed`, an
    /// existing file or device is returned instead (open with O_CREATE).
    func create(_ path: borrowing RRef<PathName>, from directory: FileHandle, type: InodeType, major: Int16, minor: Int16,
                existingFileAllowed: Bool) throws(SystemError) -> UInt32 {
        let (parent, name) = try resolveParent(path, from: directory)
        if let (existing, _) = try lookup(name, in: parent) {
            guard existingFileAllowed else { throw .exists }
            let found = try readInode(existing).type
            guard found == .file || found == .device else { throw found == .directory ? .isDirectory : .corrupt }
            return existing
        }
        let inode = try allocateInode(type, major: major, minor: minor)
        var value = try readInode(inode)
        value.links = 1
        try writeInode(inode, value)
        if type == .directory {
            try addEntry(.dot, inode: inode, in: inode)
            try addEntry(.dotDot, inode: parent, in: inode)
            var up = try readInode(parent)
            guard up.links < Int16.max else { throw .invalidArgument }
            up.links += 1
            try writeInode(parent, up)
        }
        try addEntry(name, inode: inode, in: parent)
        return inode
    }

    /// Free data blocks (bits clear in the bitmap) and free inodes.
    func countFree() throws(SystemError) -> (UInt64, UInt64) {
        var blocks: UInt64 = 0
        var block = superblock.dataStart
        while block < superblock.size {
            // One bitmap block at a time: the blocks it covers, to the end of it or of the disk.
            let bitmap = superblock.bitmapBlock(of: block)
            let slot = try cache.get(bitmap)
            defer { cache.release(slot) }
            let per = UInt32(DiskFormat.bitsPerBlock)
            let end = min(superblock.size, (block / per + 1) * per)
            while block < end {
                let bit = Int(block % per)
                if try cache.read(bitmap, in: slot, at: bit / 8, as: UInt8.self) & (1 << UInt8(bit % 8)) == 0 { blocks += 1 }
                block += 1
            }
        }
        var inodes: UInt64 = 0
        for inode in 1..<superblock.inodes where (try? readInode(inode).type) == .free { inodes += 1 }
        return (blocks, inodes)
    }
}
