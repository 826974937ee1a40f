import Glibc
@_spi(Kernel) import LeafCore

/// Pages from the host's allocator, zero-filled and page-aligned, counted so tests can check
/// that the kernel returns every page it took.
@_spi(Kernel) public final class HostPageSource: PageSource {
    public private(set) var pagesOutstanding = 0
    /// When set, allocations fail once this many pages are outstanding (to test exhaustion).
    public var limit: Int?

    public init(limit: Int? = nil) { self.limit = limit }

    public func allocatePages(_ count: Int) -> UnsafeMutableRawPointer? {
        if let limit, pagesOutstanding + count > limit { return nil }
        var memory: UnsafeMutableRawPointer?
        guard posix_memalign(&memory, pageSize, count * pageSize) == 0, let memory else { return nil }
        memset(memory, 0, count * pageSize)
        pagesOutstanding += count
        return memory
    }

    public func freePages(_ base: UnsafeMutableRawPointer, _ count: Int) {
        pagesOutstanding -= count
        Glibc.free(base)
    }
}
