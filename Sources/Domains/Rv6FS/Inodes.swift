import LeafInterfaces
import LeafSDK

// Inodes and their blocks (the first half of xv6's fs.c): read and written in the buffer
// cache, every change logged. Nothing on the disk is trusted: an inode number, a block number
// or an inode type out of range is `corrupt`, never followed.
extension Rv6FS {
    func checkInode(_ inode: UInt32) throws(SystemError) {
        guard inode >= 1, inode < superblock.inodes else { throw .corrupt }
    }

    func readInode(_ inode: UInt32) throws(SystemError) -> DiskInode {
        try checkInode(inode)
        let block = superblock.block(ofInode: inode)
        let slot = try cache.get(block)
        defer { cache.release(slot) }
        let value = try cache.read(block, in: slot, at: DiskInode.offset(of: inode), as: DiskInode.self)
        guard value.type.raw <= InodeType.device.raw else { throw .corrupt }
        return value
    }

    func writeInode(_ inode: UInt32, _ value: DiskInode) throws(SystemError) {
        try checkInode(inode)
        let block = superblock.block(ofInode: inode)
        let slot = try cache.get(block)
        defer { cache.release(slot) }
        try logWrite(block, in: slot)
        try cache.write(value, block, in: slot, at: DiskInode.offset(of: inode))
    }

    /// A free inode made `type` with no links (xv6's ialloc: the first free one).
    func allocateInode(_ type: InodeType, major: Int16 = 0, minor: Int16 = 0) throws(SystemError) -> UInt32 {
        var inode: UInt32 = 1
        while inode < superblock.inodes {
            let block = superblock.block(ofInode: inode)
            let slot = try cache.get(block)
            defer { cache.release(slot) }
            // The inodes of this block, from `inode` on.
            repeat {
                let found = try cache.read(block, in: slot, at: DiskInode.offset(of: inode), as: DiskInode.self)
                // An inode still open (unlinked, not yet closed) is not free even if its links are 0.
                if found.type == .free && !openInode.contains(inode) {
                    try writeInode(inode, DiskInode(type: type, major: major, minor: minor))
                    return inode
                }
                inode += 1
            } while inode % UInt32(DiskFormat.inodesPerBlock) != 0 && inode < superblock.inodes
        }
        throw .noInodes
    }

    // MARK: blocks

    /// A free data block, zeroed (xv6's balloc and bzero).
    func allocateBlock() throws(SystemError) -> UInt32 {
        let bitsPerBlock = UInt32(DiskFormat.bitsPerBlock)
        var base: UInt32 = 0
        while base < superblock.size {
            let bitmap = superblock.bitmapBlock(of: base)
            let slot = try cache.get(bitmap)
            defer { cache.release(slot) }
            var word = 0
            let words = DiskFormat.blockSize / 8
            while word < words {
                let bits = try cache.read(bitmap, in: slot, at: word * 8, as: UInt64.self)
                if bits != UInt64.max {
                    let bit = (~bits).trailingZeroBitCount
                    let block = base + UInt32(word * 64 + bit)
                    guard block < superblock.size else { throw .noSpace }
                    guard block >= superblock.dataStart else { throw .corrupt }   // metadata marked free
                    try logWrite(bitmap, in: slot)
                    try cache.write(bits | (1 << UInt64(bit)), bitmap, in: slot, at: word * 8)
                    try zeroBlock(block)
                    return block
                }
                word += 1
            }
            base += bitsPerBlock
        }
        throw .noSpace
    }

    func zeroBlock(_ block: UInt32) throws(SystemError) {
        let slot = try cache.get(block)
        defer { cache.release(slot) }
        try logWrite(block, in: slot)
        do { try cache.buffers.fillBytes(DiskFormat.blockSize, with: 0, in: slot, at: BlockCache.offset(of: block)) }
        catch { throw .ioError }
    }

    /// Marks a data block free (xv6's bfree). Freeing a free block or metadata is corruption.
    func freeBlock(_ block: UInt32) throws(SystemError) {
        try checkDataBlock(block)
        let bitmap = superblock.bitmapBlock(of: block)
        let slot = try cache.get(bitmap)
        defer { cache.release(slot) }
        let bit = Int(block % UInt32(DiskFormat.bitsPerBlock))
        let byte = try cache.read(bitmap, in: slot, at: bit / 8, as: UInt8.self)
        let mask = UInt8(1) << UInt8(bit % 8)
        guard byte & mask != 0 else { throw .corrupt }
        try logWrite(bitmap, in: slot)
        try cache.write(byte & ~mask, bitmap, in: slot, at: bit / 8)
    }

    func checkDataBlock(_ block: UInt32) throws(SystemError) {
        guard block >= superblock.dataStart, block < superblock.size else { throw .corrupt }
    }

    /// The disk block holding block `index` of the file (xv6's bmap); with `allocate`, one is
    /// allocated if there is none (`inode` updated; the caller writes it). 0: a hole.
    func blockAddress(_ value: inout DiskInode, _ index: Int, allocate: Bool) throws(SystemError) -> UInt32 {
        guard index < DiskFormat.maximumFileBlocks else { throw .fileTooLarge }
        if index < DiskFormat.directBlocks {
            var address = value.addresses[index]
            if address == 0 {
                guard allocate else { return 0 }
                address = try allocateBlock()
                value.addresses[index] = address
            }
            try checkDataBlock(address)
            return address
        }
        var indirect = value.addresses[DiskFormat.directBlocks]
        if indirect == 0 {
            guard allocate else { return 0 }
            indirect = try allocateBlock()
            value.addresses[DiskFormat.directBlocks] = indirect
        }
        try checkDataBlock(indirect)
        let slot = try cache.get(indirect)
        defer { cache.release(slot) }
        let entry = (index - DiskFormat.directBlocks) * 4
        var address = try cache.read(indirect, in: slot, at: entry, as: UInt32.self)
        if address == 0 {
            guard allocate else { return 0 }
            address = try allocateBlock()
            try logWrite(indirect, in: slot)
            try cache.write(address, indirect, in: slot, at: entry)
        }
        try checkDataBlock(address)
        return address
    }

    /// Frees every block of the file and sets its size to 0 (xv6's itrunc).
    func truncate(_ inode: UInt32) throws(SystemError) {
        var value = try readInode(inode)
        for i in 0..<DiskFormat.directBlocks where value.addresses[i] != 0 {
            try freeBlock(value.addresses[i])
            value.addresses[i] = 0
        }
        let indirect = value.addresses[DiskFormat.directBlocks]
        if indirect != 0 {
            try checkDataBlock(indirect)
            let slot = try cache.get(indirect)
            defer { cache.release(slot) }
            for i in 0..<DiskFormat.indirectBlocks {
                let address = try cache.read(indirect, in: slot, at: i * 4, as: UInt32.self)
                if address != 0 { try freeBlock(address) }
            }
            try freeBlock(indirect)
            value.addresses[DiskFormat.directBlocks] = 0
        }
        value.size = 0
        try writeInode(inode, value)
    }

    // MARK: data

    /// Copies up to `count` bytes from byte `offset` of the file into `buffer` (xv6's readi):
    /// the bytes done, fewer at the end of the file.
    func readData(_ inode: UInt32, at offset: UInt64, count: Int, into buffer: inout RRef<FileData>) throws(SystemError) -> Int {
        var value = try readInode(inode)
        let size = UInt64(value.size)
        guard offset < size, count > 0 else { return 0 }
        let total = Int(min(UInt64(count), size - offset))
        var done = 0
        while done < total {
            let position = offset + UInt64(done)
            let index = Int(position / UInt64(DiskFormat.blockSize))
            let within = Int(position % UInt64(DiskFormat.blockSize))
            let n = min(total - done, DiskFormat.blockSize - within)
            let address = try blockAddress(&value, index, allocate: false)
            if address == 0 {
                // A hole (xv6 never makes one; another writer's image might): zeros.
                do { try buffer.fillBytes(n, with: 0, at: done) } catch { throw .ioError }
            } else {
                let slot = try cache.get(address)
                defer { cache.release(slot) }
                do { try cache.buffers.copyBytes(n, at: slot, from: BlockCache.offset(of: address) + within, into: &buffer, at: done) }
                catch { throw .ioError }
            }
            done += n
        }
        return done
    }

    /// Copies `count` bytes of `buffer`, from its byte `from`, to byte `offset` of the file,
    /// growing it (xv6's writei): the bytes done, fewer when the disk is full or the file at its
    /// largest (`stopped` says which). Throws if no byte could be written, or on any other
    /// error (the transaction is then abandoned).
    func writeData(_ inode: UInt32, at offset: UInt64, count: Int, from buffer: borrowing RRef<FileData>, at from: Int,
                   stopped: inout SystemError) throws(SystemError) -> Int {
        guard count > 0 else { return 0 }
        var value = try readInode(inode)
        let limit = UInt64(DiskFormat.maximumFileBlocks * DiskFormat.blockSize)
        guard offset <= UInt64(value.size) else { throw .invalidArgument }
        guard offset < limit else { throw .fileTooLarge }
        let total = Int(min(UInt64(count), limit - offset))
        var done = 0
        while done < total {
            let position = offset + UInt64(done)
            let index = Int(position / UInt64(DiskFormat.blockSize))
            let within = Int(position % UInt64(DiskFormat.blockSize))
            let n = min(total - done, DiskFormat.blockSize - within)
            let address: UInt32
            do { address = try blockAddress(&value, index, allocate: true) } catch {
                // Out of blocks (or at the largest file): what was written stays. Anything else
                // fails the operation whole.
                guard error == .noSpace || error == .fileTooLarge, done > 0 else { throw error }
                stopped = error
                break
            }
            let slot = try cache.get(address)
            defer { cache.release(slot) }
            try logWrite(address, in: slot)
            do { try cache.buffers.copyBytes(n, from: buffer, at: from + done, into: slot, at: BlockCache.offset(of: address) + within) }
            catch { throw .ioError }
            done += n
        }
        if offset + UInt64(done) > UInt64(value.size) { value.size = UInt32(offset + UInt64(done)) }
        // Written even if the size did not change: blockAddress may have added blocks.
        try writeInode(inode, value)
        if done < count && stopped == .none && total < count { stopped = .fileTooLarge }
        return done
    }
}
