internal import CLeafDevices

/// The orderings a driver needs between its memory (descriptor rings, buffers) and the device.
/// They are the x86 fence instructions (with a compiler barrier). On the host every device is a
/// model called synchronously, so program order is already the device's order; the fences cost
/// a few cycles there and change nothing.
public enum Fence {
    /// Before a doorbell or tail write: what the driver wrote to DMA memory is visible first.
    @inline(__always) public static func beforeDoorbell() { leaf_device_write_fence() }
    /// After reading a completion's status in DMA memory: later reads of the entry and of the
    /// buffer see the device's data (on x86 a compiler barrier: DMA memory is coherent and
    /// loads keep their order).
    @inline(__always) public static func afterCompletion() { leaf_device_dma_read_barrier() }
    /// After an MMIO read: later loads of DMA memory are not made before it.
    @inline(__always) public static func afterMMIORead() { leaf_device_read_fence() }
    /// Both.
    @inline(__always) public static func full() { leaf_device_full_fence() }
}
