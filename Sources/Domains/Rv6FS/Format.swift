import LeafInterfaces
import LeafSDK

// Making an empty file system (the first half of xv6's mkfs): the layout xv6-riscv's mkfs
// computes, its metadata zeroed, the superblock, the root directory (inode 1, holding "." and
// ".." in the first data block) and the bitmap marking the metadata and that block used.
// Files are then added through the file system itself (mkfs's second half).
extension Rv6FS {
    /// Formats `device` with `size` blocks and `inodes` inodes; what is wrong if it cannot.
    public static func format(_ device: any BlockDevice, size: Int, inodes: Int) -> String? {
        guard let g = try? device.geometry(), g.blockSize == 4096 else { return "the device has no 4 KiB-block geometry" }
        let layout = Superblock.xv6Layout(size: size, inodes: inodes)
        guard inodes >= 2, inodes < 65536 else { return "\(inodes) inodes: from 2 to 65535 (an entry's inode number is 16 bits)" }
        guard size > 0, UInt64(size + 3) / 4 <= g.blocks else { return "\(size) blocks do not fit the device (\(g.blocks) of 4 KiB)" }
        if let problem = layout.problem(deviceBlocks: g.blocks) {
            return "\(size) blocks, \(inodes) inodes: \(problem.description)"
        }
        do throws(SystemError) {
            let cache = try BlockCache(device: device, deviceBlocks: g.blocks)
            let root = layout.dataStart
            // Every device block of the metadata and the root's block, zeroed.
            var slots: [Int] = []
            var deviceBlock: UInt32 = 0
            while deviceBlock * 4 <= root {
                let slot = try cache.claim(UInt64(deviceBlock))
                do { try cache.buffers.fillBytes(4096, with: 0, in: slot, at: 0) } catch { throw .ioError }
                slots.append(slot)
                if slots.count == cache.capacity - 1 {
                    try cache.writeOut(slots)
                    for s in slots { cache.release(s) }
                    slots.removeAll()
                }
                deviceBlock += 1
            }
            try cache.writeOut(slots)
            for s in slots { cache.release(s) }

            try put(layout, block: 1, at: 0, cache)
            var rootInode = DiskInode(type: .directory, links: 1, size: 32)
            rootInode.addresses[0] = root
            try put(rootInode, block: layout.block(ofInode: DiskFormat.rootInode), at: DiskInode.offset(of: DiskFormat.rootInode), cache)
            try put(DirectoryEntry(inode: 1, name: [0x2e]), block: root, at: 0, cache)
            try put(DirectoryEntry(inode: 1, name: [0x2e, 0x2e]), block: root, at: 16, cache)
            // Blocks 0 through the root's are used (the bitmap is LSB first, as xv6's).
            var block: UInt32 = 0
            var bitmapSlots: [Int] = []
            while block <= root {
                let bitmap = layout.bitmapBlock(of: block)
                let bit = Int(block % UInt32(DiskFormat.bitsPerBlock))
                let slot = try cache.get(bitmap)
                if bitmapSlots.contains(slot) { cache.release(slot) } else { bitmapSlots.append(slot) }
                let byte = try cache.read(bitmap, in: slot, at: bit / 8, as: UInt8.self)
                try cache.write(byte | UInt8(1) << UInt8(bit % 8), bitmap, in: slot, at: bit / 8)
                block += 1
            }
            try cache.writeOut(bitmapSlots)
            for s in bitmapSlots { cache.release(s) }
            try cache.flush()
        } catch {
            return "writing the file system: \(error)"
        }
        return nil
    }

    static func put<Value: Exchangeable>(_ value: Value, block: UInt32, at offset: Int, _ cache: BlockCache) throws(SystemError) {
        let slot = try cache.get(block)
        defer { cache.release(slot) }
        try cache.write(value, block, in: slot, at: offset)
        try cache.writeOut(slot)
    }
}
