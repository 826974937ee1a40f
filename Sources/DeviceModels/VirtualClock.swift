@_spi(Kernel) import LeafDevices

/// The host bus's time: it moves only when something happens on the bus (each register access
/// takes `accessCost` microseconds) or when a test moves it, so every timeout a driver takes
/// against a model happens at the same point of a replayed sequence.
public final class VirtualClock: DeviceClock {
    public private(set) var microseconds: UInt64 = 0
    /// What one register access costs, in microseconds (a PCIe read is about one).
    public var accessCost: UInt64 = 1

    public init() {}

    public func advance(by microseconds: UInt64) { self.microseconds &+= microseconds }
    public func delay(microseconds: UInt64) { advance(by: microseconds) }
    func access() { microseconds &+= accessCost }
}
