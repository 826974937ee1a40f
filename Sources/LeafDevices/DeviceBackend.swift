/// What a back-end provides for one PCI function: its configuration space, and, for a function
/// that is a host model (or a model running in the kernel), its registers. The bare-metal
/// back-end (LeafKernel) answers from the real bus and leaves register accesses to the
/// volatile path; the host back-end (DeviceModels) answers from a model.
@_spi(Kernel) public protocol ConfigSpace: AnyObject {
    /// The 32-bit configuration word at `offset` (a multiple of 4 below 256).
    func read32(_ offset: Int) -> UInt32
    func write32(_ offset: Int, _ value: UInt32)
}

/// A device model's registers behind one BAR: `width` is 1, 2, 4 or 8 and the access lies within
/// the BAR (the window checked it). A model may refuse an access (it was told to fail).
@_spi(Kernel) public protocol DeviceRegisters: AnyObject {
    func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64
    func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError)
}

/// The back-end's time, in microseconds since an arbitrary start: on bare metal the TSC; behind
/// a host model a virtual clock that moves with the model (deterministic, so a property test's
/// timeouts replay from its seed). Public so a model's clock can be; only the kernel hands one to a
/// function (its initializer is SPI).
public protocol DeviceClock: AnyObject {
    var microseconds: UInt64 { get }
    /// Lets `microseconds` pass without touching any device (a datasheet's "wait before the
    /// next access"): a spin on bare metal; behind a model, its virtual time moves on.
    func delay(microseconds: UInt64)
}
