@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices

/// A model's view of host memory, as an IOMMU gives a device: only the buffers its driver gave
/// it (`PCIFunction.deviceAddress`), and only while their objects live. Any other address, or a
/// buffer dropped since, is a failed access of the device, never a read or write of host memory.
public final class ModelMemory {
    public private(set) var refusedAccesses = 0
    /// The buffers the driver gave the device.
    let recorder = Recorder()

    public init() {}

    /// What the bus hands the function: told of each buffer the driver gives the device.
    var map: any DeviceMemoryMap { recorder }

    /// The host address of [address, address + count), if a live buffer holds all of it.
    func resolve(_ address: UInt64, _ count: Int) throws(DeviceError) -> UnsafeMutableRawPointer {
        for m in recorder.mappings where address >= m.address && count >= 0 && address - m.address <= UInt64(m.size)
            && UInt64(count) <= UInt64(m.size) - (address - m.address) {
            guard Kernel.isLive(m.id), let p = UnsafeMutableRawPointer(bitPattern: UInt(address)) else { break }
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
}

/// ModelMemory's side of `DeviceMemoryMap` (kernel SPI, kept off the model's public face): the
/// buffers mapped, a buffer mapped again replacing its old entry, dead ones forgotten.
final class Recorder: DeviceMemoryMap {
    struct Mapping { let id: ObjectID; let address: UInt64; let size: Int }
    var mappings: [Mapping] = []

    func map(_ id: ObjectID, address: UInt64, size: Int) {
        // Called from the driver's domain; the table is the bus's (in the kernel, the kernel's
        // heap must hold it, not the driver's, which its teardown frees).
        Kernel.inKernelHeap {
            mappings.removeAll { $0.id == id || !Kernel.isLive($0.id) }
            mappings.append(Mapping(id: id, address: address, size: size))
        }
    }
}
