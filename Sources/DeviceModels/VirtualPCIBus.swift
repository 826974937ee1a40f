@_spi(Kernel) import LeafDevices

/// A behavioural model of a PCI device: its identity and what its registers do. The bus has
/// already checked each access against the BAR; `bar` is the BAR's slot.
public protocol PCIDeviceModel: AnyObject {
    var identity: ModelIdentity { get }
    /// Called when the model is attached: the memory its device may reach (DMA).
    func attached(memory: ModelMemory)
    func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64
    func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError)
}

/// The host back-end's PCI bus: a test attaches models at addresses; the bus gives each a
/// configuration space and BAR addresses as firmware would, and makes the capabilities a
/// driver is handed. What a driver does to a function reaches its model, as on real hardware:
/// with memory or I/O decoding off, reads return all ones and writes go nowhere.
public final class VirtualPCIBus {
    struct Slot {
        let address: PCIAddress
        let model: any PCIDeviceModel
        let config: ModelConfigSpace
        let memory: ModelMemory
    }
    var slots: [Slot] = []
    var nextMemory: UInt64 = 0xfe00_0000
    var nextPort: UInt64 = 0xc000
    /// The bus's time, which drivers on it read for their timeouts and models for their latency.
    public let clock = VirtualClock()

    public init() {}

    /// Attaches `model` at `address`, with its BARs placed as firmware would (each aligned to
    /// its size), decoding off.
    public func attach(_ model: any PCIDeviceModel, at address: PCIAddress) {
        var bases: [UInt64] = []
        for bar in model.identity.bars {
            if bar.kind == .io {
                nextPort = (nextPort + bar.size - 1) & ~(bar.size - 1)
                bases.append(nextPort)
                nextPort += bar.size
            } else {
                nextMemory = (nextMemory + bar.size - 1) & ~(bar.size - 1)
                bases.append(nextMemory)
                nextMemory += bar.size
            }
        }
        let config = ModelConfigSpace(model.identity, bases: bases)
        let memory = ModelMemory(config: config, clock: clock)
        model.attached(memory: memory)
        slots.append(Slot(address: address, model: model, config: config, memory: memory))
    }

    /// Every function on the bus, in address order.
    public var addresses: [PCIAddress] {
        slots.map { $0.address }.sorted { ($0.bus, $0.device, $0.function) < ($1.bus, $1.device, $1.function) }
    }

    /// The memory the device at `address` may reach (what its driver gave it).
    public func memory(at address: PCIAddress) -> ModelMemory? { slots.first { $0.address == address }?.memory }

    /// The capability for the function at `address` (what the kernel hands the driver the
    /// manifest assigns it), or nil if nothing is there.
    @_spi(Kernel) public func function(at address: PCIAddress) -> PCIFunction? {
        guard let slot = slots.first(where: { $0.address == address }) else { return nil }
        return PCIFunction(address: address, config: slot.config, bars: BARSizing.bars(of: slot.config),
                           model: Decoder(slot.model, slot.config, clock), clock: clock, memory: slot.memory.map)
    }
}

extension PCIDeviceModel {
    public func attached(memory: ModelMemory) {}
}

/// What a read of `width` bytes gives when nothing answers it (a master abort): all ones.
func allOnes(_ width: Int) -> UInt64 { width >= 8 ? ~0 : (1 << (8 * UInt64(width))) - 1 }

/// Routes a window's accesses to the model, as the bus does: only while the function decodes
/// that kind of BAR.
final class Decoder: DeviceRegisters {
    let model: any PCIDeviceModel
    let config: ModelConfigSpace
    let clock: VirtualClock

    init(_ model: any PCIDeviceModel, _ config: ModelConfigSpace, _ clock: VirtualClock) {
        self.model = model
        self.config = config
        self.clock = clock
    }

    func decodes(_ bar: Int) -> Bool {
        let io = model.identity.bars.first { $0.slot == bar }?.kind == .io
        return config.command & (io ? 0x1 : 0x2) != 0
    }

    func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64 {
        clock.access()
        guard decodes(bar) else { return allOnes(width) }
        return try model.read(bar: bar, offset: offset, width: width)
    }

    func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError) {
        clock.access()
        guard decodes(bar) else { return }
        try model.write(bar: bar, offset: offset, width: width, value: value)
    }
}
