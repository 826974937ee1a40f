/// A page-backed allocator: power-of-two size classes carved out of whole pages, and runs of
/// pages for larger blocks. Every page it holds is on one list, so `releaseAll` returns exactly
/// what it took. Domains' private heaps and the shared heap are both instances of it.
@_spi(Kernel) public struct SlabAllocator: ~Copyable {
    /// Header at the start of every page or page run this allocator holds.
    @usableFromInline struct PageHeader {
        var next: UnsafeMutablePointer<PageHeader>?
        var previous: UnsafeMutablePointer<PageHeader>?
        var pages: Int
        /// Size class index for slab pages, -1 for a run holding one large block.
        var sizeClass: Int
        var blocksInUse: Int
        /// A slab page's free blocks, each holding the address of the next. Lists never leave
        /// their page: a free block may still be written by the code that freed it (a domain's
        /// use after free in its own heap), so a link is followed only if it names a block of
        /// the same page and class, and such a write corrupts nothing outside that page.
        var freeList: UnsafeMutableRawPointer?
        /// The next page of this class with free blocks, while `hasFreeBlocks`.
        var nextWithFree: UnsafeMutablePointer<PageHeader>?
        var hasFreeBlocks: Bool
    }

    static let headerSize = 64   // MemoryLayout<PageHeader>.size fits
    static let minimumBlock = 16
    static let sizeClasses = 8          // 16 ... 2048 bytes
    static let largestSmallBlock = minimumBlock << (sizeClasses - 1)

    private var pagesHead: UnsafeMutablePointer<PageHeader>? = nil
    /// Per size class, the pages that have free blocks (a stack through `nextWithFree`).
    private var pagesWithFree: InlineArray<8, UnsafeMutablePointer<PageHeader>?> = .init(repeating: nil)
    /// Pages currently held from the page source.
    public private(set) var pageCount = 0
    /// Blocks handed out and not yet freed.
    public private(set) var blocksInUse = 0

    public init() {}

    private static func sizeClass(for size: Int) -> Int {
        var cls = 0
        var block = minimumBlock
        while block < size { block <<= 1; cls += 1 }
        return cls
    }

    /// A block from the free lists, or nil when getting one needs a new page. The page source is
    /// only touched on that slow path, so the common case costs no reference counting.
    @inline(__always)
    public mutating func allocateCached(size: Int, alignment: Int) -> UnsafeMutableRawPointer? {
        guard size <= Self.largestSmallBlock && alignment <= Self.headerSize else { return nil }
        let cls = Self.sizeClass(for: max(size, alignment, 1))
        guard let page = pagesWithFree[cls] else { return nil }
        let block = page.pointee.freeList.unsafelyUnwrapped
        let next = block.load(as: UnsafeMutableRawPointer?.self)
        // A forged link ends the page's list there (its other blocks are lost to the heap
        // until it is released).
        page.pointee.freeList = next.flatMap { Self.isBlock($0, of: page, sizeClass: cls) ? $0 : nil }
        if page.pointee.freeList == nil {
            pagesWithFree[cls] = page.pointee.nextWithFree
            page.pointee.hasFreeBlocks = false
        }
        page.pointee.blocksInUse += 1
        blocksInUse += 1
        return block
    }

    /// Whether `address` is the start of a block of size class `cls` in slab page `page`.
    @inline(__always)
    static func isBlock(_ address: UnsafeMutableRawPointer, of page: UnsafeMutablePointer<PageHeader>, sizeClass cls: Int) -> Bool {
        let offset = UInt(bitPattern: address) &- UInt(bitPattern: page)
        let blockSize = UInt(minimumBlock << cls)
        return offset >= UInt(headerSize) && offset < UInt(pageSize) && offset & (blockSize &- 1) == 0
    }

    /// A block of at least `size` bytes aligned to `alignment` (a power of two up to 4096).
    public mutating func allocate(
        size: Int, alignment: Int, from source: PageSource
    ) -> UnsafeMutableRawPointer? {
        if let block = allocateCached(size: size, alignment: alignment) { return block }
        let size = max(size, 1)
        if size <= Self.largestSmallBlock && alignment <= Self.headerSize {
            let cls = Self.sizeClass(for: max(size, alignment))
            guard addSlabPage(sizeClass: cls, from: source) else { return nil }
            return allocateCached(size: size, alignment: alignment)
        }
        // A run: the block follows the header, or starts on the next page when it must be
        // aligned beyond the header; `header(of:)` tells the two apart by page alignment.
        let offset = alignment <= Self.headerSize ? Self.headerSize : pageSize
        let pages = (offset + size + pageSize - 1) / pageSize
        guard let header = takePages(pages, sizeClass: -1, from: source) else { return nil }
        header.pointee.blocksInUse = 1
        blocksInUse += 1
        return UnsafeMutableRawPointer(header) + offset
    }

    /// Frees a block. Returns the pages to give back to the page source when the block was a
    /// run of its own (the caller does that, so that freeing a small block never touches the
    /// source), or nil.
    @inline(__always)
    public mutating func free(_ block: UnsafeMutableRawPointer) -> (base: UnsafeMutableRawPointer, pages: Int)? {
        let header = Self.header(of: block)
        blocksInUse -= 1
        if header.pointee.sizeClass < 0 {
            unlink(header)
            pageCount -= header.pointee.pages
            return (UnsafeMutableRawPointer(header), header.pointee.pages)
        }
        // Not the start of one of the page's blocks (a pointer into a block): not taken back.
        guard Self.isBlock(block, of: header, sizeClass: header.pointee.sizeClass) else { blocksInUse += 1; return nil }
        header.pointee.blocksInUse -= 1
        push(block, onto: header)
        return nil
    }


    /// Returns every page to the source, whatever is still allocated in it.
    public mutating func releaseAll(to source: PageSource) {
        while let header = pagesHead {
            pagesHead = header.pointee.next
            let pages = header.pointee.pages
            source.freePages(UnsafeMutableRawPointer(header), pages)
        }
        pageCount = 0
        blocksInUse = 0
        for cls in 0..<Self.sizeClasses { pagesWithFree[cls] = nil }
    }

    /// Whether `block` lies in a page this allocator holds (a linear walk: for checks, not hot paths).
    public func owns(_ block: UnsafeRawPointer) -> Bool {
        var page = pagesHead
        while let header = page {
            let start = UnsafeRawPointer(header)
            if block >= start && block < start + header.pointee.pages * pageSize { return true }
            page = header.pointee.next
        }
        return false
    }

    @usableFromInline static func header(of block: UnsafeMutableRawPointer) -> UnsafeMutablePointer<PageHeader> {
        let address = UInt(bitPattern: block)
        let pageStart = address & ~UInt(pageSize - 1)
        // Only page-aligned large blocks start on a page boundary; their header is the page before.
        let headerAddress = pageStart == address ? pageStart - UInt(pageSize) : pageStart
        return UnsafeMutablePointer(bitPattern: headerAddress).unsafelyUnwrapped
    }

    private mutating func addSlabPage(sizeClass cls: Int, from source: PageSource) -> Bool {
        guard let header = takePages(1, sizeClass: cls, from: source) else { return false }
        let blockSize = Self.minimumBlock << cls
        let base = UnsafeMutableRawPointer(header)
        var offset = pageSize - blockSize
        // Thread the page's blocks onto its free list, lowest address first.
        while offset >= Self.headerSize {
            push(base + offset, onto: header)
            offset -= blockSize
        }
        return true
    }

    /// Puts a free block on its page's list, and the page on its class's stack if it was full.
    @inline(__always)
    private mutating func push(_ block: UnsafeMutableRawPointer, onto page: UnsafeMutablePointer<PageHeader>) {
        block.storeBytes(of: page.pointee.freeList, as: UnsafeMutableRawPointer?.self)
        page.pointee.freeList = block
        if !page.pointee.hasFreeBlocks {
            let cls = page.pointee.sizeClass
            page.pointee.nextWithFree = pagesWithFree[cls]
            pagesWithFree[cls] = page
            page.pointee.hasFreeBlocks = true
        }
    }

    private mutating func takePages(
        _ pages: Int, sizeClass: Int, from source: PageSource
    ) -> UnsafeMutablePointer<PageHeader>? {
        guard let raw = source.allocatePages(pages) else { return nil }
        let header = raw.bindMemory(to: PageHeader.self, capacity: 1)
        header.initialize(to: PageHeader(
            next: pagesHead, previous: nil, pages: pages, sizeClass: sizeClass, blocksInUse: 0,
            freeList: nil, nextWithFree: nil, hasFreeBlocks: false))
        pagesHead?.pointee.previous = header
        pagesHead = header
        pageCount += pages
        return header
    }

    private mutating func unlink(_ header: UnsafeMutablePointer<PageHeader>) {
        if let previous = header.pointee.previous {
            previous.pointee.next = header.pointee.next
        } else {
            pagesHead = header.pointee.next
        }
        header.pointee.next?.pointee.previous = header.pointee.previous
    }
}
