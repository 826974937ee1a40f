import LeafInterfaces
import LeafSDK

// Directories (xv6's dirlookup, dirlink and isdirempty): a directory is a file of 16-byte
// entries; an entry with inode 0 is free.
extension Rv6FS {
    /// The inode `name` names in `directory`, and the byte offset of its entry.
    func lookup(_ name: Name, in directory: UInt32) throws(SystemError) -> (inode: UInt32, offset: UInt64)? {
        var value = try readInode(directory)
        guard value.type == .directory else { throw .notDirectory }
        let entrySize = UInt64(MemoryLayout<DirectoryEntry>.size)
        var offset: UInt64 = 0
        while offset + entrySize <= UInt64(value.size) {
            let entry = try entryAt(&value, offset)
            if entry.inode != 0 && name.matches(entry.name) { return (UInt32(entry.inode), offset) }
            offset += entrySize
        }
        return nil
    }

    /// The directory entry at byte `offset` of a directory.
    func entryAt(_ directory: inout DiskInode, _ offset: UInt64) throws(SystemError) -> DirectoryEntry {
        let address = try blockAddress(&directory, Int(offset / UInt64(DiskFormat.blockSize)), allocate: false)
        guard address != 0 else { return DirectoryEntry(inode: 0, name: .init(repeating: 0)) }
        let slot = try cache.get(address)
        defer { cache.release(slot) }
        return try cache.read(address, in: slot, at: Int(offset % UInt64(DiskFormat.blockSize)), as: DirectoryEntry.self)
    }

    /// Writes an entry naming `inode` into `directory`: the first free one, or a new one at the end.
    func addEntry(_ name: Name, inode: UInt32, in directory: UInt32) throws(SystemError) {
        var value = try readInode(directory)
        let entrySize = UInt64(MemoryLayout<DirectoryEntry>.size)
        var offset: UInt64 = 0
        while offset + entrySize <= UInt64(value.size) {
            if try entryAt(&value, offset).inode == 0 { break }
            offset += entrySize
        }
        try writeEntry(DirectoryEntry(inode: UInt16(truncatingIfNeeded: inode), name: name.bytes), at: offset, in: directory)
    }

    /// Writes `entry` at byte `offset` of `directory` (growing it by one entry at its end).
    func writeEntry(_ entry: DirectoryEntry, at offset: UInt64, in directory: UInt32) throws(SystemError) {
        var value = try readInode(directory)
        let index = Int(offset / UInt64(DiskFormat.blockSize))
        let address = try blockAddress(&value, index, allocate: true)
        let slot = try cache.get(address)
        defer { cache.release(slot) }
        try logWrite(address, in: slot)
        try cache.write(entry, address, in: slot, at: Int(offset % UInt64(DiskFormat.blockSize)))
        let end = offset + UInt64(MemoryLayout<DirectoryEntry>.size)
        if end > UInt64(value.size) { value.size = UInt32(end) }
        try writeInode(directory, value)
    }

    /// Whether a directory holds nothing but "." and ".." (xv6's isdirempty).
    func isEmpty(_ directory: UInt32) throws(SystemError) -> Bool {
        var value = try readInode(directory)
        let entrySize = UInt64(MemoryLayout<DirectoryEntry>.size)
        var offset = 2 * entrySize
        while offset + entrySize <= UInt64(value.size) {
            if try entryAt(&value, offset).inode != 0 { return false }
            offset += entrySize
        }
        return true
    }
}

/// One path component: 1 to 14 bytes, neither NUL nor '/'.
struct Name: Equatable {
    var bytes: InlineArray<14, UInt8>
    var length: Int

    static var dot: Name { Name(literal: [0x2e]) }
    static var dotDot: Name { Name(literal: [0x2e, 0x2e]) }

    init(literal: [UInt8]) {
        bytes = .init(repeating: 0)
        for (i, b) in literal.enumerated() { bytes[i] = b }
        length = literal.count
    }

    init(bytes: InlineArray<14, UInt8>, length: Int) {
        self.bytes = bytes
        self.length = length
    }

    /// Whether a directory entry's name (NUL-padded, or all 14 bytes) is this one.
    func matches(_ entry: InlineArray<14, UInt8>) -> Bool {
        for i in 0..<14 where entry[i] != (i < length ? bytes[i] : 0) { return false }
        return true
    }

    var isDotOrDotDot: Bool { self == .dot || self == .dotDot }

    static func == (a: Name, b: Name) -> Bool { a.length == b.length && a.matches(b.bytes) }
}
