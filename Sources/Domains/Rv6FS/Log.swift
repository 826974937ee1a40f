import LeafInterfaces
import LeafSDK

// The write-ahead log (xv6's log.c). Every operation is one transaction: the blocks it changes
// are pinned in the cache and named here; at its end they are copied into the log's data
// blocks and written, then the header naming them (the commit point), then written home, then
// the header cleared. Mount installs a committed transaction a crash interrupted. Unlike xv6,
// calls into the file system do not interleave (a call runs to its end), so a transaction
// always commits before the call that made it returns: group commit has nothing to group.
//
// The log is written in 4 KiB device blocks. Blocks 0-1 (boot block, superblock) share a device
// block with the header and are never changed; a device block past the log holds no log block
// (mount requires the log to end on a device block), so a log write carries nothing uncommitted.
extension Rv6FS {
    /// Marks block `block` (held in `slot`) as changed by the current transaction.
    func logWrite(_ block: UInt32, in slot: Int) throws(SystemError) {
        if logged.contains(block) { return }
        // Operations are bounded to fit the log (mount requires 12 blocks or more); one that
        // still does not is abandoned, never half committed.
        guard logged.count < Int(superblock.logBlocks) - 1 else { throw .transactionTooLarge }
        logged.append(block)
        cache.pinned[slot] = true
    }

    /// Commits the current transaction (nothing, if it changed nothing).
    func commit() throws(SystemError) {
        guard !logged.isEmpty else { return }
        let header = superblock.logStart
        do throws(SystemError) {
            // 1. The changed blocks into the log's data blocks (header still empty on disk); the
            // log's slots are pinned until the transaction is home.
            cache.gathered.removeAll(keepingCapacity: true)
            for (i, home) in logged.enumerated() {
                let from = try cache.get(home)
                defer { cache.release(from) }
                let target = header + 1 + UInt32(i)
                let to = try cache.get(target)
                defer { cache.release(to) }
                try copyBlock(home, in: from, to: target, in: to)
                cache.pinned[to] = true
                if !cache.gathered.contains(to) { cache.gathered.append(to) }
            }
            try cache.writeOut(cache.gathered)
            try cache.flush()
        } catch {
            // Not committed: the disk holds the state before the operation.
            abandon()
            throw error
        }
        // 2. The header: once it is on the disk the transaction survives a crash; 3. home;
        // 4. the header cleared, and flushed before the next transaction's log writes. A failure
        // from the header's write on leaves it unknown whether the header reached the disk: the
        // cache forgets the transaction and the log is recovered from the disk before the next
        // operation (installing it if it was committed; a clean header either way after).
        do throws(SystemError) {
            try writeHeader(count: UInt32(logged.count), blocks: logged)
            try cache.flush()
            try install(logged)
            try cache.flush()
            try writeHeader(count: 0, blocks: [])
            try cache.flush()
        } catch {
            abandon()
            cache.forget(deviceBlockOf: header)   // the header's block, pinned or not
            needsRecovery = true
            throw error
        }
        commits &+= 1
        loggedBlocks &+= UInt64(logged.count)
        logged.removeAll(keepingCapacity: true)
        cache.unpinAll()
    }

    /// Drops the current transaction's changes (an operation that failed before committing).
    func abandon() {
        logged.removeAll(keepingCapacity: true)
        cache.discardPinned()
    }

    /// Writes the blocks' cached contents home, each device block once.
    func install(_ blocks: [UInt32]) throws(SystemError) {
        cache.gathered.removeAll(keepingCapacity: true)
        defer { for slot in cache.gathered { cache.release(slot) } }
        for home in blocks {
            let slot = try cache.get(home)
            if !cache.gathered.contains(slot) { cache.gathered.append(slot) } else { cache.release(slot) }
        }
        try cache.writeOut(cache.gathered)
    }

    func readHeader() throws(SystemError) -> LogHeader {
        let slot = try cache.get(superblock.logStart)
        defer { cache.release(slot) }
        return try cache.read(superblock.logStart, in: slot, at: 0, as: LogHeader.self)
    }

    func writeHeader(count: UInt32, blocks: [UInt32]) throws(SystemError) {
        var value = LogHeader(count: count)
        for (i, b) in blocks.enumerated() { value.blocks[i] = b }
        let slot = try cache.get(superblock.logStart)
        defer { cache.release(slot) }
        try cache.write(value, superblock.logStart, in: slot, at: 0)
        try cache.writeOut(slot)
    }

    /// Installs a transaction committed before a crash (xv6's recover_from_log): the log's
    /// data blocks are copied home and the header cleared. A header that names more blocks than
    /// the log holds, or a home block outside the file system's inode, bitmap and data blocks,
    /// is refused: nothing is installed.
    func recover() throws(SystemError) {
        let header = try readHeader()
        guard header.count <= superblock.logBlocks - 1 else { throw .corrupt }
        var homes: [UInt32] = []
        for i in 0..<Int(header.count) {
            let home = header.blocks[i]
            guard home >= superblock.inodeStart, home < superblock.size else { throw .corrupt }
            homes.append(home)
        }
        // The header as read may be only in the device's volatile cache: made durable before
        // any block goes home, or a power cut could keep some and lose the header. Then one
        // block at a time, each written home before the next is read: any number of them fits
        // any cache (a header xv6 wrote may name 29).
        do throws(SystemError) {
            if !homes.isEmpty { try cache.flush() }
            for (i, home) in homes.enumerated() {
                let source = superblock.logStart + 1 + UInt32(i)
                let from = try cache.get(source)
                defer { cache.release(from) }
                let to = try cache.get(home)
                defer { cache.release(to) }
                try copyBlock(source, in: from, to: home, in: to)
                try cache.writeOut(to)
            }
            try cache.flush()
            try writeHeader(count: 0, blocks: [])
            try cache.flush()
        } catch {
            cache.discardPinned()
            throw error
        }
        recoveredBlocks &+= UInt64(homes.count)
        needsRecovery = false
    }

    /// Copies one file-system block's bytes to another, in the cache.
    func copyBlock(_ source: UInt32, in from: Int, to target: UInt32, in to: Int) throws(SystemError) {
        do {
            try cache.buffers.copyBytes(DiskFormat.blockSize, at: from, from: BlockCache.offset(of: source),
                                        into: to, at: BlockCache.offset(of: target))
        } catch { throw .ioError }
    }
}
