import LeafSDK

/// What `open` does besides finding the file (xv6 fcntl.h's values). Reading and writing
/// rights are the descriptor's, kept by the Rv6 kernel; the file system refuses only to open a
/// directory for writing.
public struct OpenFlags: Exchangeable, Equatable, Sendable {
    public var raw: UInt32
    public static var exchangeableTypeID: UInt64 { 0x21c0_b9f2_d952_d920 }   // FNV-1a of "LeafInterfaces.OpenFlags"
    @inlinable public init(raw: UInt32) { self.raw = raw }

    public static var readOnly: OpenFlags { OpenFlags(raw: 0) }
    public static var writeOnly: OpenFlags { OpenFlags(raw: 0x001) }
    public static var readWrite: OpenFlags { OpenFlags(raw: 0x002) }
    public static var create: OpenFlags { OpenFlags(raw: 0x200) }
    public static var truncate: OpenFlags { OpenFlags(raw: 0x400) }
    /// Rv6's addition to xv6's flags, for the Rv6 kernel: every write goes at the end of the
    /// file (sh's `>>`). The file system ignores it.
    public static var append: OpenFlags { OpenFlags(raw: 0x800) }

    public var writes: Bool { raw & 0x3 != 0 }
    public var creates: Bool { raw & 0x200 != 0 }
    public var truncates: Bool { raw & 0x400 != 0 }
    public var appends: Bool { raw & 0x800 != 0 }
    public static func | (a: OpenFlags, b: OpenFlags) -> OpenFlags { OpenFlags(raw: a.raw | b.raw) }
}

/// An inode the file system holds open for its client: the slot in its table and the slot's
/// generation, so a handle closed and its slot reused is refused, not taken for the new one.
public struct FileHandle: Exchangeable, Equatable, Hashable, Sendable, CustomStringConvertible {
    public var raw: UInt32
    public static var exchangeableTypeID: UInt64 { 0xa771_0d86_adfe_2005 }   // FNV-1a of "LeafInterfaces.FileHandle"
    @inlinable public init(raw: UInt32) { self.raw = raw }

    /// No handle: a relative path given with it is taken from the root.
    public static var none: FileHandle { FileHandle(raw: 0) }
    public var description: String { "handle \(raw >> 16).\(raw & 0xffff)" }
}

/// A path name as it crosses to the file system (xv6 MAXPATH: up to 128 bytes).
public struct PathName: Exchangeable, Sendable {
    public var bytes: InlineArray<128, UInt8>
    public var length: UInt32
    public static var exchangeableTypeID: UInt64 { 0x891e_aee5_ef3d_f2f5 }   // FNV-1a of "LeafInterfaces.PathName"

    /// `path`'s bytes (the first 128; a longer path keeps its true length, which the file
    /// system refuses).
    public init(_ path: some Collection<UInt8>) {
        bytes = .init(repeating: 0)
        var i = 0
        for b in path where i < 128 {
            bytes[i] = b
            i += 1
        }
        length = UInt32(truncatingIfNeeded: path.count)
    }

    public init(_ path: String) { self.init(path.utf8) }
}

/// The buffer a read fills or a write empties, moved to the file system and back (no copy at
/// the boundary). The caller sets `length` to the bytes wanted (or to write, from the start of
/// `bytes`); the file system sets it to the bytes done and `error` to why it stopped short.
public struct FileData: Exchangeable, Sendable {
    public var bytes: InlineArray<4096, UInt8>
    public var length: UInt32
    public var error: SystemError
    public static var exchangeableTypeID: UInt64 { 0xab2e_5115_55fd_932b }   // FNV-1a of "LeafInterfaces.FileData"

    public init(length: Int = 0) {
        bytes = .init(repeating: 0)
        self.length = UInt32(truncatingIfNeeded: length)
        error = .none
    }

    @inlinable public static var capacity: Int { 4096 }
    @inlinable public static var lengthField: ExchangeableField<FileData, UInt32> { .init(offset: 4096) }
    @inlinable public static var errorField: ExchangeableField<FileData, SystemError> { .init(offset: 4100) }
}

/// What `open` gives back: a handle, or why not (and the inode's type, so the Rv6 kernel knows
/// a device from a file without asking again).
public struct OpenOutcome: BitwiseCopyable, Sendable, Equatable {
    public var handle: FileHandle
    public var type: InodeType
    public var error: SystemError
    public init(handle: FileHandle, type: InodeType, error: SystemError) {
        self.handle = handle
        self.type = type
        self.error = error
    }
}

/// An inode's status (xv6 struct stat), or why not.
public struct FileStatus: BitwiseCopyable, Sendable, Equatable {
    public var device: UInt32
    public var inode: UInt32
    public var type: InodeType
    public var links: Int16
    public var size: UInt64
    public var major: Int16
    public var minor: Int16
    public var error: SystemError
    public init(device: UInt32, inode: UInt32, type: InodeType, links: Int16, size: UInt64,
                major: Int16, minor: Int16, error: SystemError) {
        self.device = device
        self.inode = inode
        self.type = type
        self.links = links
        self.size = size
        self.major = major
        self.minor = minor
        self.error = error
    }
}

/// What a file system has done since it was mounted.
public struct FileSystemStatistics: BitwiseCopyable, Sendable, Equatable {
    /// Transactions committed to the log, and blocks they logged.
    public var commits: UInt64
    public var loggedBlocks: UInt64
    /// Blocks found in the buffer cache, and device reads and writes (of 4 KiB blocks).
    public var cacheHits: UInt64
    public var deviceReads: UInt64
    public var deviceWrites: UInt64
    /// Blocks the log installed at mount (a transaction committed before a crash), and the
    /// free blocks and inodes now.
    public var recoveredBlocks: UInt64
    public var freeBlocks: UInt64
    public var freeInodes: UInt64
    public init(commits: UInt64 = 0, loggedBlocks: UInt64 = 0, cacheHits: UInt64 = 0, deviceReads: UInt64 = 0,
                deviceWrites: UInt64 = 0, recoveredBlocks: UInt64 = 0, freeBlocks: UInt64 = 0, freeInodes: UInt64 = 0) {
        self.commits = commits
        self.loggedBlocks = loggedBlocks
        self.cacheHits = cacheHits
        self.deviceReads = deviceReads
        self.deviceWrites = deviceWrites
        self.recoveredBlocks = recoveredBlocks
        self.freeBlocks = freeBlocks
        self.freeInodes = freeInodes
    }
}

/// Rv6's file system (xv6's fs.c, log.c and the path-name half of sysfile.c): inodes held open
/// by handle, read and written through moved buffers. Every operation that changes the disk is
/// one transaction, committed to the log before the call returns: once it has returned, a
/// crash cannot undo it. A relative path starts at `directory` (`FileHandle.none`: the root).
public protocol FileSystem: AnyObject {
    /// Opens (with `create`, creates a file; with `truncate`, empties it) the inode `path` names.
    func open(_ path: borrowing RRef<PathName>, from directory: FileHandle, flags: OpenFlags) throws(RpcError) -> OpenOutcome
    /// Lets the inode go (the last close of an unlinked inode frees it).
    func close(_ handle: FileHandle) throws(RpcError) -> SystemError
    /// Reads up to `buffer.length` bytes from byte `offset` into the buffer.
    func read(_ handle: FileHandle, at offset: UInt64, into buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData>
    /// Writes the buffer's first `buffer.length` bytes at byte `offset`, growing the file.
    func write(_ handle: FileHandle, at offset: UInt64, from buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData>
    func status(_ handle: FileHandle) throws(RpcError) -> FileStatus
    /// A second name for a file (not a directory).
    func link(_ existing: borrowing RRef<PathName>, to new: borrowing RRef<PathName>, from directory: FileHandle) throws(RpcError) -> SystemError
    /// Removes a name (a directory only if empty); the inode goes when no name and no handle is left.
    func unlink(_ path: borrowing RRef<PathName>, from directory: FileHandle) throws(RpcError) -> SystemError
    func makeDirectory(_ path: borrowing RRef<PathName>, from directory: FileHandle) throws(RpcError) -> SystemError
    func makeDevice(_ path: borrowing RRef<PathName>, from directory: FileHandle, major: Int16, minor: Int16) throws(RpcError) -> SystemError
    /// Every committed block is written home and the device flushed (before a power-off).
    func sync() throws(RpcError) -> SystemError
    func statistics() throws(RpcError) -> FileSystemStatistics
    /// Whether the disk was mounted, and if not, why (every other operation then answers
    /// `corrupt` or `ioError`).
    func mountStatus() throws(RpcError) -> MountStatus
}

/// Why a disk was not mounted: the first check it failed, with the value found.
public struct MountProblem: Exchangeable, Equatable, Sendable {
    public var raw: UInt16
    public static var exchangeableTypeID: UInt64 { 0xd68b_9239_c9ef_09d9 }   // FNV-1a of "LeafInterfaces.MountProblem"
    @inlinable public init(raw: UInt16) { self.raw = raw }

    public static var none: MountProblem { MountProblem(raw: 0) }
    /// The device could not be read (or reports no geometry).
    public static var deviceError: MountProblem { MountProblem(raw: 1) }
    /// Block 1 does not start with xv6's magic 0x10203040 (the value found).
    public static var badMagic: MountProblem { MountProblem(raw: 2) }
    /// The superblock's size is larger than the device, or too small to hold the metadata.
    public static var badSize: MountProblem { MountProblem(raw: 3) }
    /// The log, inodes, bitmap and data overlap or are out of order (the field found wrong).
    public static var badLayout: MountProblem { MountProblem(raw: 4) }
    /// The log does not end on a 4 KiB device block, so a log write could carry a block
    /// not yet committed (xv6's mkfs always ends it at block 32).
    public static var logNotAligned: MountProblem { MountProblem(raw: 5) }
    /// The log header holds more blocks than the log, or a home block inside the log or past
    /// the end (the value found).
    public static var badLogHeader: MountProblem { MountProblem(raw: 6) }
    /// Inode 1 is not a directory.
    public static var badRoot: MountProblem { MountProblem(raw: 7) }

    public func describe(_ value: UInt64) -> String {
        switch raw {
        case 0: return "mounted"
        case 1: return "the block device failed or has no disk"
        case 2: return "not an xv6 file system: block 1 starts with 0x\(String(value, radix: 16)), not the magic 0x10203040"
        case 3: return "the superblock's size (\(value) blocks) does not fit the device, is over the largest supported (65,536), or holds no data blocks"
        case 4: return "the superblock's layout is inconsistent (field \(value): log, inodes, bitmap and data must follow one another)"
        case 5: return "the log ends at block \(value), not on a 4 KiB device block"
        case 6: return "the log header is corrupt (value \(value): more blocks than the log, or a home block outside the file system)"
        case 7: return "inode 1 (the root) is not a directory (type \(value))"
        default: return "mount problem \(raw)"
        }
    }
}

/// `mountStatus()`'s answer: the problem and the value it found.
public struct MountStatus: BitwiseCopyable, Sendable, Equatable {
    public var problem: MountProblem
    public var value: UInt64
    public init(problem: MountProblem, value: UInt64) {
        self.problem = problem
        self.value = value
    }
    public var description: String { problem.describe(value) }
}

extension Superblock {
    /// What is wrong with this superblock for a device of `deviceBlocks` 4 KiB blocks, if
    /// anything: the first check of mount's (and fsck's) that fails. The regions must follow
    /// one another (boot, super, log, inodes, bitmap, data), each big enough for what it holds,
    /// and the log must end on a device block.
    public func problem(deviceBlocks: UInt64) -> MountStatus? {
        guard magic == DiskFormat.magic else { return MountStatus(problem: .badMagic, value: UInt64(magic)) }
        let blocks = UInt64(size)
        guard (blocks + 3) / 4 <= deviceBlocks, blocks <= UInt64(DiskFormat.maximumSize), dataBlocks > 0, dataBlocks < size else {
            return MountStatus(problem: .badSize, value: blocks)
        }
        let inodeBlocks = (UInt64(inodes) + 15) / 16
        let bitmapBlocks = (blocks + 8191) / 8192
        // The value reported is the field found wrong, counted from 0 in the superblock.
        guard logStart >= 2 else { return MountStatus(problem: .badLayout, value: 5) }
        // Room for the largest operation (MAXOPBLOCKS) and the header, and no more than the
        // header can name.
        guard logBlocks >= UInt32(DiskFormat.maximumOperationBlocks + 2), logBlocks <= 31 else {
            return MountStatus(problem: .badLayout, value: 4)
        }
        guard UInt64(inodeStart) >= UInt64(logStart) + UInt64(logBlocks) else { return MountStatus(problem: .badLayout, value: 6) }
        guard inodes >= 2, inodes <= 65536, UInt64(bitmapStart) >= UInt64(inodeStart) + inodeBlocks else {
            return MountStatus(problem: .badLayout, value: 7)
        }
        guard UInt64(dataStart) >= UInt64(bitmapStart) + bitmapBlocks else { return MountStatus(problem: .badLayout, value: 2) }
        let logEnd = UInt64(logStart) + UInt64(logBlocks)
        guard logEnd % 4 == 0 else { return MountStatus(problem: .logNotAligned, value: logEnd) }
        return nil
    }
}
