import LeafSDK

// xv6-riscv's on-disk format, byte for byte (kernel/fs.h, kernel/param.h, mkfs/mkfs.c;
// RV6-FACTS.md §2): 1 KiB blocks, everything little-endian. Block 0 is the boot block, block 1
// the superblock, then the log (a header block and its data blocks), the inodes (16 to a block),
// the free-block bitmap (8192 blocks to a bitmap block) and the data blocks. The structs are
// laid out as C lays out xv6's; the host tests compare every offset with MemoryLayout.

/// The constants of the format.
public enum DiskFormat {
    /// Bytes per file-system block (xv6 BSIZE). A 4 KiB device block holds four.
    public static var blockSize: Int { 1024 }
    /// The superblock's `magic` (xv6 FSMAGIC).
    public static var magic: UInt32 { 0x1020_3040 }
    /// The root directory's inode number (xv6 ROOTINO).
    public static var rootInode: UInt32 { 1 }
    /// Direct block addresses in an inode (xv6 NDIRECT); `addresses[12]` is a singly indirect block.
    public static var directBlocks: Int { 12 }
    /// Block addresses in an indirect block (xv6 NINDIRECT).
    public static var indirectBlocks: Int { 256 }
    /// The largest file, in blocks (xv6 MAXFILE: 268, so 274,432 bytes).
    public static var maximumFileBlocks: Int { 268 }
    /// Inodes per block (xv6 IPB).
    public static var inodesPerBlock: Int { 16 }
    /// Bitmap bits per block (xv6 BPB).
    public static var bitsPerBlock: Int { 8192 }
    /// Bytes of a name in a directory entry (xv6 DIRSIZ); a 14-byte name has no NUL.
    public static var nameLength: Int { 14 }
    /// Blocks in the log, header included (xv6 LOGSIZE; mkfs's nlog).
    public static var logBlocks: Int { 30 }
    /// The most blocks one operation writes (xv6 MAXOPBLOCKS).
    public static var maximumOperationBlocks: Int { 10 }
    /// The longest path, in bytes (xv6 MAXPATH).
    public static var maximumPath: Int { 128 }
    /// The largest file system mounted (64 MiB: its bitmap is 8 blocks, so that truncating the
    /// largest file fits one transaction and a 16-slot buffer cache).
    public static var maximumSize: Int { 65536 }
    /// xv6 mkfs's defaults: FSSIZE blocks and NINODES inodes.
    public static var defaultSize: Int { 2000 }
    public static var defaultInodes: Int { 200 }
}

/// What an inode is (xv6 T_DIR, T_FILE, T_DEVICE; 0 is a free inode). Raw, since the disk may
/// hold any value: one that is none of these is an error fsck reports and the FS refuses.
public struct InodeType: Exchangeable, Equatable, Sendable, CustomStringConvertible {
    public var raw: UInt16
    public static var exchangeableTypeID: UInt64 { 0xf479_e24e_389b_ecc8 }   // FNV-1a of "LeafInterfaces.InodeType"
    @inlinable public init(raw: UInt16) { self.raw = raw }

    public static var free: InodeType { InodeType(raw: 0) }
    public static var directory: InodeType { InodeType(raw: 1) }
    public static var file: InodeType { InodeType(raw: 2) }
    public static var device: InodeType { InodeType(raw: 3) }

    public var description: String {
        switch raw {
        case 0: "free"
        case 1: "directory"
        case 2: "file"
        case 3: "device"
        default: "type \(raw)"
        }
    }
}

/// Block 1 (xv6 struct superblock: eight uint).
public struct Superblock: Exchangeable, Equatable, Sendable {
    public var magic: UInt32
    /// Blocks in the image.
    public var size: UInt32
    /// Data blocks.
    public var dataBlocks: UInt32
    public var inodes: UInt32
    /// Blocks in the log, its header included.
    public var logBlocks: UInt32
    public var logStart: UInt32
    public var inodeStart: UInt32
    public var bitmapStart: UInt32
    public static var exchangeableTypeID: UInt64 { 0x602e_8881_f315_b16d }   // FNV-1a of "LeafInterfaces.Superblock"

    public init(magic: UInt32, size: UInt32, dataBlocks: UInt32, inodes: UInt32, logBlocks: UInt32,
                logStart: UInt32, inodeStart: UInt32, bitmapStart: UInt32) {
        self.magic = magic
        self.size = size
        self.dataBlocks = dataBlocks
        self.inodes = inodes
        self.logBlocks = logBlocks
        self.logStart = logStart
        self.inodeStart = inodeStart
        self.bitmapStart = bitmapStart
    }

    /// The layout xv6-riscv's mkfs computes for `size` blocks and `inodes` inodes: boot block,
    /// superblock, 30 log blocks, the inode blocks (inodes/16 + 1), the bitmap blocks
    /// (size/8192 + 1), then the data blocks.
    public static func xv6Layout(size: Int, inodes: Int) -> Superblock {
        let inodeBlocks = inodes / DiskFormat.inodesPerBlock + 1
        let bitmapBlocks = size / DiskFormat.bitsPerBlock + 1
        let meta = 2 + DiskFormat.logBlocks + inodeBlocks + bitmapBlocks
        return Superblock(magic: DiskFormat.magic, size: UInt32(truncatingIfNeeded: size),
                          dataBlocks: UInt32(truncatingIfNeeded: size - meta), inodes: UInt32(truncatingIfNeeded: inodes),
                          logBlocks: UInt32(truncatingIfNeeded: DiskFormat.logBlocks), logStart: 2,
                          inodeStart: UInt32(truncatingIfNeeded: 2 + DiskFormat.logBlocks),
                          bitmapStart: UInt32(truncatingIfNeeded: 2 + DiskFormat.logBlocks + inodeBlocks))
    }

    /// The first data block (every block below it is metadata, marked used in the bitmap).
    public var dataStart: UInt32 { size &- dataBlocks }
    /// The inode block that holds inode `inode`.
    public func block(ofInode inode: UInt32) -> UInt32 { inodeStart &+ inode / UInt32(DiskFormat.inodesPerBlock) }
    /// The bitmap block that holds block `block`'s bit.
    public func bitmapBlock(of block: UInt32) -> UInt32 { bitmapStart &+ block / UInt32(DiskFormat.bitsPerBlock) }
}

/// An inode on disk (xv6 struct dinode, 64 bytes).
public struct DiskInode: Exchangeable, Sendable {
    public var type: InodeType
    /// A device's major and minor numbers.
    public var major: Int16
    public var minor: Int16
    /// Directory entries that name it.
    public var links: Int16
    /// Bytes in the file.
    public var size: UInt32
    /// Twelve direct block numbers and one singly indirect block (0: none).
    public var addresses: InlineArray<13, UInt32>
    public static var exchangeableTypeID: UInt64 { 0x94cf_e9f4_8b5d_55d7 }   // FNV-1a of "LeafInterfaces.DiskInode"

    public init(type: InodeType = .free, major: Int16 = 0, minor: Int16 = 0, links: Int16 = 0, size: UInt32 = 0,
                addresses: InlineArray<13, UInt32> = .init(repeating: 0)) {
        self.type = type
        self.major = major
        self.minor = minor
        self.links = links
        self.size = size
        self.addresses = addresses
    }

    /// Its byte offset in its inode block.
    public static func offset(of inode: UInt32) -> Int { Int(inode % UInt32(DiskFormat.inodesPerBlock)) * 64 }
}

/// A directory entry (xv6 struct dirent, 16 bytes): an inode number (0: a free entry) and a name
/// of up to 14 bytes, NUL-padded.
public struct DirectoryEntry: Exchangeable, Sendable {
    public var inode: UInt16
    public var name: InlineArray<14, UInt8>
    public static var exchangeableTypeID: UInt64 { 0x3d27_657d_0104_418c }   // FNV-1a of "LeafInterfaces.DirectoryEntry"

    public init(inode: UInt16, name: InlineArray<14, UInt8>) {
        self.inode = inode
        self.name = name
    }

    /// An entry naming `inode` with `name` (at most 14 bytes; the rest NUL).
    public init(inode: UInt16, name: some Collection<UInt8>) {
        var bytes = InlineArray<14, UInt8>(repeating: 0)
        var i = 0
        for b in name where i < 14 {
            bytes[i] = b
            i += 1
        }
        self.init(inode: inode, name: bytes)
    }

    /// The name's bytes up to the first NUL.
    public var nameLength: Int {
        var n = 0
        while n < 14 && name[n] != 0 { n += 1 }
        return n
    }
}

/// The log's header block (xv6 struct logheader): how many blocks the committed transaction
/// holds and, for each, its home block. The log's data blocks follow the header in order.
public struct LogHeader: Exchangeable, Sendable {
    public var count: UInt32
    public var blocks: InlineArray<30, UInt32>
    public static var exchangeableTypeID: UInt64 { 0x1be5_b80d_f92b_7674 }   // FNV-1a of "LeafInterfaces.LogHeader"

    public init(count: UInt32 = 0, blocks: InlineArray<30, UInt32> = .init(repeating: 0)) {
        self.count = count
        self.blocks = blocks
    }
}
