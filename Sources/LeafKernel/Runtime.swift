import CLeafKernel
@_spi(Kernel) import LeafCore

/// The Embedded Swift runtime's allocation entry points. Once LeafCore is booted, every
/// allocation comes from the private heap of the domain that is running (Kernel.allocatePrivate),
/// so tearing a domain down returns the pages its Swift objects lived in. Before that, a small
/// static arena serves the boot (the frame allocator object, LeafCore's boot records).
enum Runtime {
    nonisolated(unsafe) static var frames: FrameAllocator? = nil
    nonisolated(unsafe) static var earlyUsed = 0
    nonisolated(unsafe) static var earlyFrees = 0
    /// `free` of a block whose frames were already returned (a torn-down domain's objects
    /// released after its heap; see the report on Domains.tearDown).
    nonisolated(unsafe) static var staleFrees = 0
    /// `free` of a block of another live domain's heap while this one runs: left in place,
    /// since LeafCore frees only into the current domain's heap.
    nonisolated(unsafe) static var foreignFrees = 0
    nonisolated(unsafe) static var refusedFrees = 0
    nonisolated(unsafe) static var failedAllocations = 0

    static func earlyAllocate(size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        let base = UInt(bitPattern: leaf_early_arena_pointer())
        let start = (base + UInt(earlyUsed) + UInt(alignment) - 1) & ~(UInt(alignment) - 1)
        let end = start + UInt(size)
        guard end <= base + UInt(leaf_early_arena_size) else { return nil }
        earlyUsed = Int(end - base)
        return UnsafeMutableRawPointer(bitPattern: start)
    }

    static func inEarlyArena(_ p: UnsafeMutableRawPointer) -> Bool {
        let base = UInt(bitPattern: leaf_early_arena_pointer())
        let a = UInt(bitPattern: p)
        return a >= base && a < base + UInt(leaf_early_arena_size)
    }
}

@inline(__always) func leaf_early_arena_pointer() -> UnsafeMutableRawPointer {
    UnsafeMutableRawPointer(leaf_early_arena_address())
}

@_cdecl("leaf_kernel_allocate")
func kernelAllocate(_ size: Int, _ alignment: Int) -> UnsafeMutableRawPointer? {
    var block: UnsafeMutableRawPointer? = nil
    if Kernel.isBooted, let frames = Runtime.frames {
        let saved = frames.currentTag
        frames.currentTag = FrameAllocator.Tag.privateHeap(Kernel.currentDomain)
        block = Kernel.allocatePrivate(size: size, alignment: alignment)
        frames.currentTag = saved
    } else {
        block = Runtime.earlyAllocate(size: size, alignment: alignment)
    }
    if block == nil { Runtime.failedAllocations += 1 }
    return block
}

@_cdecl("leaf_kernel_free")
func kernelFree(_ block: UnsafeMutableRawPointer) {
    if Runtime.inEarlyArena(block) { Runtime.earlyFrees += 1; return }
    guard Kernel.isBooted, let frames = Runtime.frames else { return }
    let tag = frames.tag(of: block)
    if tag == FrameAllocator.Tag.privateHeap(Kernel.currentDomain) {
        if !Kernel.freePrivate(block) { Runtime.refusedFrees += 1 }
    } else if tag == FrameAllocator.Tag.free {
        Runtime.staleFrees += 1
    } else {
        Runtime.foreignFrees += 1
    }
}
