import CLeafKernel
@_spi(Kernel) import LeafCore

/// Physical memory in 4 KiB frames: LeafCore's `PageSource` on bare metal. Memory is
/// identity-mapped, so a frame's physical address is its pointer.
///
/// Every frame in use carries a tag saying what it was taken for: the kernel's tables, the shared
/// heap, a thread stack, or the private heap of domain d. The tags let `free` find the heap a
/// block belongs to, and let the invariant monitor check, frame by frame, that a domain's pages
/// are exactly what LeafCore accounts to it, and that a teardown really returned them.
final class FrameAllocator: PageSource {
    /// What a frame was taken for.
    enum Tag {
        static let free: UInt16 = 0
        static let metadata: UInt16 = 1      // this allocator's own bitmap and tags
        static let tables: UInt16 = 2        // LeafCore's fixed tables (Kernel.boot)
        static let shared: UInt16 = 3        // the shared heap, and anything not otherwise tagged
        static let stack: UInt16 = 4         // thread stacks
        static let privateBase: UInt16 = 0x100
        static func privateHeap(_ d: DomainID) -> UInt16 { privateBase + d.raw }
    }

    /// The most physical memory managed (the boot page tables map 4 GiB; the bitmap is sized here).
    static let maximumBytes: UInt64 = 1 << 30

    let frameCount: Int
    private let bitmap: UnsafeMutablePointer<UInt64>
    private let tags: UnsafeMutablePointer<UInt16>
    private(set) var usedFrames = 0
    private(set) var usableFrames = 0
    private(set) var doubleFrees = 0
    private var hint = 0
    /// Fill freed frames with 0xAB (leaf.poison): makes a use of freed memory visible.
    var poisonFreed = false
    /// The tag the next allocation gets; `Runtime` sets it around private-heap allocations.
    var currentTag: UInt16 = Tag.shared

    /// Builds the allocator over the RAM ranges given, leaving out the kernel image and the
    /// first megabyte. Its own bitmap and tags go in the first usable frames.
    init?(ranges: [(base: UInt64, length: UInt64)]) {
        let kernelStart = leaf_image_start()
        let kernelEnd = (leaf_image_end() + 4095) & ~4095
        var top: UInt64 = 0
        for r in ranges { top = max(top, min(r.base + r.length, Self.maximumBytes)) }
        let count = Int(top / 4096)
        guard count > 0 else { return nil }
        let bitmapBytes = ((count + 63) / 64) * 8
        let metadataBytes = UInt64(bitmapBytes + count * 2)
        let metadataFrames = Int((metadataBytes + 4095) / 4096)
        // Place the metadata in the first usable range above the image that holds it.
        var placed: UInt64 = 0
        for r in ranges {
            let start = max((r.base + 4095) & ~4095, max(kernelEnd, 0x100000))
            let end = min(r.base + r.length, Self.maximumBytes) & ~4095
            if end > start && end - start >= UInt64(metadataFrames) * 4096 { placed = start; break }
        }
        guard placed != 0 else { return nil }
        frameCount = count
        bitmap = UnsafeMutableRawPointer(bitPattern: UInt(placed)).unsafelyUnwrapped
            .bindMemory(to: UInt64.self, capacity: bitmapBytes / 8)
        tags = UnsafeMutableRawPointer(bitPattern: UInt(placed) + UInt(bitmapBytes)).unsafelyUnwrapped
            .bindMemory(to: UInt16.self, capacity: count)
        // Everything starts used; usable RAM is then released frame by frame.
        for i in 0..<(bitmapBytes / 8) { bitmap[i] = ~0 }
        for i in 0..<count { tags[i] = Tag.metadata }
        for r in ranges {
            let start = max((r.base + 4095) & ~4095, 0x100000)
            let end = min(r.base + r.length, Self.maximumBytes) & ~4095
            guard end > start else { continue }
            var frame = Int(start / 4096)
            while frame < Int(end / 4096) {
                let address = UInt64(frame) * 4096
                let inImage = address >= kernelStart && address < kernelEnd
                let inMetadata = address >= placed && address < placed + UInt64(metadataFrames) * 4096
                if !inImage && !inMetadata { setFree(frame); tags[frame] = Tag.free; usableFrames += 1 }
                frame += 1
            }
        }
    }

    @inline(__always) private func isUsed(_ f: Int) -> Bool { bitmap[f >> 6] & (1 << UInt64(f & 63)) != 0 }
    @inline(__always) private func setUsed(_ f: Int) { bitmap[f >> 6] |= 1 << UInt64(f & 63) }
    @inline(__always) private func setFree(_ f: Int) { bitmap[f >> 6] &= ~(1 << UInt64(f & 63)) }

    /// `count` contiguous zeroed frames (first fit from a rotating hint), or nil.
    func allocatePages(_ count: Int) -> UnsafeMutableRawPointer? {
        guard count > 0 && count <= frameCount else { return nil }
        var start = hint
        var scanned = 0
        while scanned < frameCount + count {
            if start + count > frameCount { scanned += frameCount - start; start = 0; continue }
            var run = 0
            while run < count && !isUsed(start + run) { run += 1 }
            if run == count {
                for f in start..<(start + count) { setUsed(f); tags[f] = currentTag }
                usedFrames += count
                hint = start + count
                let base = UnsafeMutableRawPointer(bitPattern: UInt(start) * 4096).unsafelyUnwrapped
                leaf_zero(base, count * 4096)
                return base
            }
            start += run + 1
            scanned += run + 1
        }
        return nil
    }

    func freePages(_ base: UnsafeMutableRawPointer, _ count: Int) {
        if poisonFreed { leaf_fill(base, 0xab, count * 4096) }
        let first = Int(UInt(bitPattern: base) / 4096)
        for f in first..<(first + count) {
            guard f < frameCount, isUsed(f), tags[f] != Tag.metadata else { doubleFrees += 1; continue }
            setFree(f)
            tags[f] = Tag.free
            usedFrames -= 1
        }
    }

    /// The tag of the frame holding `address` (`Tag.metadata` outside managed memory).
    func tag(of address: UnsafeRawPointer) -> UInt16 {
        let f = Int(UInt(bitPattern: address) / 4096)
        return f < frameCount ? tags[f] : Tag.metadata
    }

    /// Frames in use carrying `tag`.
    func frames(tagged tag: UInt16) -> Int {
        var n = 0
        for f in 0..<frameCount where tags[f] == tag && isUsed(f) { n += 1 }
        return n
    }

    /// Frames whose tag is a private heap: the number per domain raw ID, for the monitor.
    func privateFrames(domains: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: domains)
        for f in 0..<frameCount where tags[f] >= Tag.privateBase && isUsed(f) {
            let d = Int(tags[f] - Tag.privateBase)
            if d < domains { counts[d] += 1 }
        }
        return counts
    }
}
