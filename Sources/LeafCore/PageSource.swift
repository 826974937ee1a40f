/// Where physical (bare metal) or host memory pages come from. The platform installs one at boot.
@_spi(Kernel) public protocol PageSource: AnyObject {
    /// `count` contiguous, zero-filled, 4 KiB-aligned pages, or nil when memory is exhausted.
    func allocatePages(_ count: Int) -> UnsafeMutableRawPointer?
    func freePages(_ base: UnsafeMutableRawPointer, _ count: Int)
}

@_spi(Kernel) public let pageSize = 4096
