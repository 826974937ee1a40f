import LeafInterfaces
import LeafSDK

/// Rv6's file system: xv6-riscv's, on its on-disk format, over a BlockDevice. This file holds
/// its state and the mount; BlockCache.swift, Log.swift, Inodes.swift, Directories.swift and
/// Paths.swift are xv6's bio.c, log.c and fs.c; Operations.swift the FileSystem interface.
public final class Rv6FS {
    let cache: BlockCache
    var superblock = Superblock(magic: 0, size: 0, dataBlocks: 0, inodes: 0, logBlocks: 0, logStart: 0,
                                inodeStart: 0, bitmapStart: 0)
    /// Why the disk is not mounted (`none`: it is).
    var mount = MountStatus(problem: .none, value: 0)
    /// Blocks the current transaction changed.
    var logged: [UInt32] = []
    /// A committed transaction may be only partly home (a write failed after the commit
    /// point): the log is installed again before the next operation.
    var needsRecovery = false
    /// The open-inode table (xv6's itable): which inode a slot holds, how many handles name
    /// it, and the slot's generation (a handle names both).
    var openInode: [UInt32]
    var openCount: [Int]
    var generation: [UInt16]
    var commits: UInt64 = 0, loggedBlocks: UInt64 = 0, recoveredBlocks: UInt64 = 0

    static var openInodes: Int { 100 }

    /// Mounts the file system on `device`: the superblock checked, the log recovered. If the
    /// disk is refused, `mountStatus()` says why and every operation fails. The buffer cache
    /// holds `cacheSlots` device blocks of 4 KiB (16 to 48), each one shared-heap object.
    public init(device: any BlockDevice, cacheSlots: Int = 48) {
        openInode = Array(repeating: 0, count: Self.openInodes)
        openCount = Array(repeating: 0, count: Self.openInodes)
        generation = Array(repeating: 1, count: Self.openInodes)
        var blocks: UInt64 = 0
        if let g = try? device.geometry(), g.blockSize == 4096 { blocks = g.blocks }
        // No shared-heap room for the cache's buffers: this domain cannot work, and its
        // creation fails (a trap here is contained like any domain's).
        guard let made = try? BlockCache(device: device, deviceBlocks: blocks, slots: cacheSlots) else {
            fatalError("rv6fs: no shared-heap room for the buffer cache")
        }
        cache = made
        guard blocks > 0 else {
            mount = MountStatus(problem: .deviceError, value: 0)
            return
        }
        mount = checkAndRecover()
    }

    /// The checks of mount, in order; the first that fails names the problem.
    func checkAndRecover() -> MountStatus {
        guard let slot = try? cache.get(1) else { return MountStatus(problem: .deviceError, value: 0) }
        let found = try? cache.read(1, in: slot, at: 0, as: Superblock.self)
        cache.release(slot)
        guard let sb = found else { return MountStatus(problem: .deviceError, value: 0) }
        if let problem = sb.problem(deviceBlocks: cache.deviceBlocks) { return problem }
        superblock = sb
        do { try recover() } catch {
            return error == .corrupt ? MountStatus(problem: .badLogHeader, value: 0)
                                     : MountStatus(problem: .deviceError, value: 0)
        }
        guard let root = try? readInode(DiskFormat.rootInode) else { return MountStatus(problem: .deviceError, value: 0) }
        guard root.type == .directory else { return MountStatus(problem: .badRoot, value: UInt64(root.type.raw)) }
        return MountStatus(problem: .none, value: 0)
    }

    var isMounted: Bool { mount.problem == .none }
}
