@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices

/// A model's view of host memory, as an IOMMU gives a device: only the buffers its driver gave
/// it (`PCIFunction.deviceAddress`), only while their objects live, and only while the function
/// is a bus master (PCI 3.0 §6.2.2). Any other access is a failed access of the device, never a
/// read or write of host memory.
public final class ModelMemory {
    public private(set) var refusedAccesses = 0
    /// The buffers the driver gave the device.
    let recorder = Recorder()
    /// The function's configuration space (for its bus-master bit), and the bus's time.
    let config: ModelConfigSpace?
    public let clock: VirtualClock

    init(config: ModelConfigSpace?, clock: VirtualClock) {
        self.config = config
        self.clock = clock
    }

    /// A memory no bus stands behind (a model tested on its own): bus mastering counts as on.
    public convenience init() { self.init(config: nil, clock: VirtualClock()) }

    /// What the bus hands the function: told of each buffer the driver gives the device.
    var map: any DeviceMemoryMap { recorder }

    /// The host address of [address, address + count), if a live buffer holds all of it.
    func resolve(_ address: UInt64, _ count: Int) throws(DeviceError) -> UnsafeMutableRawPointer {
        if config.map({ $0.command & 0x4 != 0 }) ?? true, count >= 0, recorder.find(address, count) != nil,
           let p = UnsafeMutableRawPointer(bitPattern: UInt(address)) {
            return p
        }
        refusedAccesses += 1
        throw .deviceFailed("DMA of \(count) bytes at 0x\(String(address, radix: 16)) outside the memory the driver gave the device")
    }

    /// What the device reads from memory.
    public func read(_ address: UInt64, count: Int) throws(DeviceError) -> [UInt8] {
        let p = try resolve(address, count)
        return (0..<count).map { p.load(fromByteOffset: $0, as: UInt8.self) }
    }

    /// What the device writes to memory.
    public func write(_ address: UInt64, _ bytes: [UInt8]) throws(DeviceError) {
        let p = try resolve(address, bytes.count)
        for (i, b) in bytes.enumerated() { p.storeBytes(of: b, toByteOffset: i, as: UInt8.self) }
    }

    /// A little-endian word the device reads (a queue entry's dword or qword, a PRP list entry).
    public func load<Word: FixedWidthInteger>(_ address: UInt64, as: Word.Type) throws(DeviceError) -> Word {
        let p = try resolve(address, MemoryLayout<Word>.size)
        return Word(littleEndian: p.loadUnaligned(as: Word.self))
    }

    public func store<Word: FixedWidthInteger>(_ value: Word, at address: UInt64) throws(DeviceError) {
        let p = try resolve(address, MemoryLayout<Word>.size)
        p.storeBytes(of: value.littleEndian, as: Word.self)
    }

    /// A transfer between memory and a model's own store, with no copy in between (a block).
    public func copy(from address: UInt64, count: Int, into store: inout [UInt8], at offset: Int) throws(DeviceError) {
        precondition(offset >= 0 && count <= store.count - offset, "a transfer within the model's store")
        let p = try resolve(address, count)
        store.withUnsafeMutableBytes { $0.baseAddress.unsafelyUnwrapped.advanced(by: offset).copyMemory(from: p, byteCount: count) }
    }

    public func copy(to address: UInt64, count: Int, from store: [UInt8], at offset: Int) throws(DeviceError) {
        precondition(offset >= 0 && count <= store.count - offset, "a transfer within the model's store")
        let p = try resolve(address, count)
        store.withUnsafeBytes { p.copyMemory(from: $0.baseAddress.unsafelyUnwrapped.advanced(by: offset), byteCount: count) }
    }
}

/// ModelMemory's side of `DeviceMemoryMap` (kernel SPI, kept off the model's public face): the
/// buffers mapped, one entry per object slot (a buffer mapped again, or a reused slot, replaces
/// its entry, so mapping costs no search), and the entry found last tried first (a ring).
final class Recorder: DeviceMemoryMap {
    struct Mapping: Equatable { let id: ObjectID; let address: UInt64; let size: Int }
    var mappings: [Mapping] = []
    /// Where object slot i's mapping is in `mappings`, or -1.
    var position: [Int] = []
    var lastFound = 0

    func map(_ id: ObjectID, address: UInt64, size: Int) {
        let slot = Int(id.index)
        let mapping = Mapping(id: id, address: address, size: size)
        // A buffer given again (a driver's request buffers, each submission): nothing changes.
        if slot < position.count, position[slot] >= 0, mappings[position[slot]] == mapping { return }
        // Called from the driver's domain; the table is the bus's (in the kernel, the kernel's
        // heap must hold it, not the driver's, which its teardown frees).
        Kernel.inKernelHeap {
            if slot >= position.count { position.append(contentsOf: repeatElement(-1, count: slot + 1 - position.count)) }
            if position[slot] >= 0 { mappings[position[slot]] = mapping; return }
            position[slot] = mappings.count
            mappings.append(mapping)
        }
    }

    /// The mapping holding all of [address, address + count).
    func find(_ address: UInt64, _ count: Int) -> Mapping? {
        func holds(_ m: Mapping) -> Bool {
            address >= m.address && address - m.address <= UInt64(m.size) && UInt64(count) <= UInt64(m.size) - (address - m.address)
                && Kernel.isLive(m.id)
        }
        if lastFound < mappings.count, holds(mappings[lastFound]) { return mappings[lastFound] }
        for i in mappings.indices where holds(mappings[i]) {
            lastFound = i
            return mappings[i]
        }
        return nil
    }
}
