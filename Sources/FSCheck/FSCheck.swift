import LeafInterfaces

/// A checker of xv6-riscv file-system images, independent of the file system that writes them
/// (it reads the image's bytes itself): the superblock, the log, every inode, the directory
/// tree from the root, link counts against the entries that name each inode, and the bitmap
/// against the blocks the inodes reach. Every problem is listed with the inode or block it
/// concerns; the image is clean when there is none.
public struct FSCheck {
    public struct Report {
        public var problems: [String] = []
        public var inodesInUse = 0
        public var directories = 0
        public var blocksInUse = 0
        public var isClean: Bool { problems.isEmpty }
    }

    let image: [UInt8]
    var report = Report()
    var sb = Superblock(magic: 0, size: 0, dataBlocks: 0, inodes: 0, logBlocks: 0, logStart: 0, inodeStart: 0, bitmapStart: 0)
    /// For each block, the inode that uses it (0: none).
    var owner: [UInt32] = []
    /// For each inode, the entries (not "." or "..") naming it, and its subdirectories.
    var names: [Int] = []
    var subdirectories: [Int] = []
    var reached: [Bool] = []

    public static func check(_ image: [UInt8]) -> Report {
        var c = FSCheck(image: image)
        c.run()
        return c.report
    }

    init(image: [UInt8]) { self.image = image }

    mutating func problem(_ text: String) { report.problems.append(text) }

    func u16(_ at: Int) -> UInt16 { UInt16(image[at]) | UInt16(image[at + 1]) << 8 }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) | UInt32(u16(at + 2)) << 16 }
    func offset(ofBlock b: UInt32) -> Int { Int(b) * DiskFormat.blockSize }

    mutating func run() {
        guard image.count >= 2 * DiskFormat.blockSize else {
            problem("image: \(image.count) bytes, smaller than a boot block and a superblock")
            return
        }
        let s = DiskFormat.blockSize
        sb = Superblock(magic: u32(s), size: u32(s + 4), dataBlocks: u32(s + 8), inodes: u32(s + 12), logBlocks: u32(s + 16),
                        logStart: u32(s + 20), inodeStart: u32(s + 24), bitmapStart: u32(s + 28))
        let deviceBlocks = UInt64((image.count + 4095) / 4096)
        if let p = sb.problem(deviceBlocks: deviceBlocks) {
            problem("superblock: \(p.description)")
            return
        }
        if Int(sb.size) * DiskFormat.blockSize > image.count {
            problem("superblock: size \(sb.size) blocks, but the image holds \(image.count / DiskFormat.blockSize)")
            return
        }
        checkLog()
        owner = Array(repeating: 0, count: Int(sb.size))
        names = Array(repeating: 0, count: Int(sb.inodes))
        subdirectories = Array(repeating: 0, count: Int(sb.inodes))
        reached = Array(repeating: false, count: Int(sb.inodes))
        for inode in 1..<sb.inodes { checkInode(inode) }
        if inodeType(DiskFormat.rootInode) != .directory {
            problem("inode 1 (the root): \(inodeType(DiskFormat.rootInode)), not a directory")
        } else {
            reached[Int(DiskFormat.rootInode)] = true
            var pending = [(DiskFormat.rootInode, DiskFormat.rootInode, "/")]
            // Depth first, with a stack of its own: an image can nest directories 65,535 deep.
            while let (directory, parent, path) = pending.popLast() { walk(directory, parent: parent, path: path, &pending) }
        }
        checkLinks()
        checkBitmap()
    }

    // MARK: log

    mutating func checkLog() {
        let header = offset(ofBlock: sb.logStart)
        let count = u32(header)
        if count > sb.logBlocks - 1 {
            problem("log: the header names \(count) blocks; the log holds \(sb.logBlocks - 1)")
        } else if count > 0 {
            var homes: [String] = []
            for i in 0..<Int(count) {
                let home = u32(header + 4 + 4 * i)
                homes.append(String(home))
                if home < sb.inodeStart || home >= sb.size {
                    problem("log: entry \(i) names block \(home), outside the inodes, bitmap and data")
                }
            }
            problem("log: a committed transaction of \(count) blocks (\(homes.joined(separator: ", "))) is not installed; mounting installs it")
        }
    }

    // MARK: inodes

    func inodeOffset(_ inode: UInt32) -> Int { offset(ofBlock: sb.block(ofInode: inode)) + DiskInode.offset(of: inode) }
    func inodeType(_ inode: UInt32) -> InodeType { InodeType(raw: u16(inodeOffset(inode))) }
    func links(_ inode: UInt32) -> Int { Int(Int16(bitPattern: u16(inodeOffset(inode) + 6))) }
    func size(_ inode: UInt32) -> UInt32 { u32(inodeOffset(inode) + 8) }
    func address(_ inode: UInt32, _ i: Int) -> UInt32 { u32(inodeOffset(inode) + 12 + 4 * i) }

    /// The inode's data blocks in file order (0 for a hole), its indirect block apart.
    func blocks(_ inode: UInt32) -> (data: [UInt32], indirect: UInt32) {
        var data = (0..<DiskFormat.directBlocks).map { address(inode, $0) }
        let indirect = address(inode, DiskFormat.directBlocks)
        if indirect != 0 && indirect >= sb.dataStart && indirect < sb.size {
            for i in 0..<DiskFormat.indirectBlocks { data.append(u32(offset(ofBlock: indirect) + 4 * i)) }
        }
        return (data, indirect)
    }

    mutating func use(_ block: UInt32, by inode: UInt32, as what: String) {
        guard block >= sb.dataStart, block < sb.size else {
            problem("inode \(inode): \(what) is block \(block), outside the data blocks [\(sb.dataStart), \(sb.size))")
            return
        }
        if owner[Int(block)] != 0 {
            problem("block \(block): used twice, by inode \(owner[Int(block)]) and by inode \(inode) (\(what))")
            return
        }
        owner[Int(block)] = inode
        report.blocksInUse += 1
    }

    mutating func checkInode(_ inode: UInt32) {
        let type = inodeType(inode)
        if type == .free { return }
        guard type.raw <= InodeType.device.raw else {
            problem("inode \(inode): type \(type.raw) is none of directory, file, device")
            return
        }
        report.inodesInUse += 1
        if type == .directory { report.directories += 1 }
        let size = size(inode)
        if Int(size) > DiskFormat.maximumFileBlocks * DiskFormat.blockSize {
            problem("inode \(inode): size \(size) is over the largest file (\(DiskFormat.maximumFileBlocks * DiskFormat.blockSize))")
        }
        if type == .directory && size % 16 != 0 {
            problem("inode \(inode): a directory of \(size) bytes, not a whole number of 16-byte entries")
        }
        let (data, indirect) = blocks(inode)
        if indirect != 0 { use(indirect, by: inode, as: "its indirect block") }
        let needed = (Int(size) + DiskFormat.blockSize - 1) / DiskFormat.blockSize
        for (i, block) in data.enumerated() where block != 0 {
            if i >= needed { problem("inode \(inode): block \(i) of the file (\(block)) lies past its size \(size)") }
            use(block, by: inode, as: "block \(i) of the file")
        }
    }

    // MARK: directories

    /// Checks one directory's entries; the directories in it go on `pending`.
    mutating func walk(_ directory: UInt32, parent: UInt32, path: String, _ pending: inout [(UInt32, UInt32, String)]) {
        let data = blocks(directory).data
        // No more entries than the largest file holds (a bigger size is reported with the inode).
        let entries = min(Int(size(directory)) / 16, DiskFormat.maximumFileBlocks * DiskFormat.blockSize / 16)
        var sawDot = false, sawDotDot = false
        for e in 0..<entries {
            let block = data.count > e / 64 ? data[e / 64] : 0
            guard block >= sb.dataStart, block < sb.size else { continue }   // reported with the inode
            let at = offset(ofBlock: block) + (e % 64) * 16
            let inode = UInt32(u16(at))
            if inode == 0 { continue }
            let nameBytes = Array(image[(at + 2)..<(at + 16)].prefix { $0 != 0 })
            let name = String(decoding: nameBytes, as: UTF8.self)
            let here = "\(path == "/" ? "" : path)/\(name)"
            if nameBytes.isEmpty {
                problem("inode \(directory) (\(path)): entry \(e) has an empty name")
                continue
            }
            if nameBytes.contains(0x2f) { problem("inode \(directory) (\(path)): entry \"\(name)\" holds a '/'") }
            guard inode < sb.inodes else {
                problem("inode \(directory) (\(path)): entry \"\(name)\" names inode \(inode), past the last (\(sb.inodes - 1))")
                continue
            }
            let type = inodeType(inode)
            if type == .free {
                problem("inode \(directory) (\(path)): entry \"\(name)\" names inode \(inode), which is free")
                continue
            }
            if name == "." {
                sawDot = true
                if inode != directory { problem("inode \(directory) (\(path)): \".\" names inode \(inode), not itself") }
                continue
            }
            if name == ".." {
                sawDotDot = true
                if inode != parent { problem("inode \(directory) (\(path)): \"..\" names inode \(inode), not its parent \(parent)") }
                continue
            }
            names[Int(inode)] += 1
            if type == .directory {
                subdirectories[Int(directory)] += 1
                // Marked when found, so that each directory is walked (and queued) once.
                if reached[Int(inode)] {
                    problem("inode \(inode): a directory reached twice (at \(here)): directories have one name")
                } else {
                    reached[Int(inode)] = true
                    pending.append((inode, directory, here))
                }
            } else {
                reached[Int(inode)] = true
            }
        }
        if !sawDot { problem("inode \(directory) (\(path)): no \".\" entry") }
        if !sawDotDot { problem("inode \(directory) (\(path)): no \"..\" entry") }
    }

    // MARK: links and bitmap

    mutating func checkLinks() {
        for inode in 1..<sb.inodes {
            let type = inodeType(inode)
            guard type != .free, type.raw <= InodeType.device.raw else { continue }
            guard reached[Int(inode)] else {
                problem("inode \(inode): a \(type) no directory reaches (\(links(inode)) links)")
                continue
            }
            // A directory is named by its parent's entry and by each child's "..", and the
            // root by itself (xv6's mkfs gives it one link).
            let expected = names[Int(inode)] + (type == .directory ? subdirectories[Int(inode)] : 0)
                + (inode == DiskFormat.rootInode ? 1 : 0)
            if links(inode) != expected {
                problem("inode \(inode): \(links(inode)) links, but \(expected) names refer to it")
            }
        }
    }

    mutating func checkBitmap() {
        for block in 0..<sb.size {
            let bitmap = offset(ofBlock: sb.bitmapBlock(of: block))
            let bit = Int(block) % DiskFormat.bitsPerBlock
            let marked = image[bitmap + bit / 8] & (1 << UInt8(bit % 8)) != 0
            if block < sb.dataStart {
                if !marked { problem("block \(block): metadata, but marked free in the bitmap") }
            } else if owner[Int(block)] != 0 && !marked {
                problem("block \(block): used by inode \(owner[Int(block)]), but marked free in the bitmap")
            } else if owner[Int(block)] == 0 && marked {
                problem("block \(block): marked used in the bitmap, but no inode uses it")
            }
        }
    }
}
