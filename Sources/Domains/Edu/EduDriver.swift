import LeafInterfaces
import LeafSDK

/// The driver of QEMU's `edu` device (QEMU docs/specs/edu.rst; hw/misc/edu.c), the same source
/// against QEMU's device (make qemu-test) and against `DeviceModels.EduModel` (host tests).
public final class EduDriver: EduDevice {
    /// The registers of BAR 0 (edu.rst, "MMIO area spec"); all 32 bits wide.
    enum Register {
        static let identification = 0x00
        static let liveness = 0x04
        static let factorial = 0x08
        static let status = 0x20
        static let dmaSource = 0x80
        static let dmaDestination = 0x88
        static let dmaCount = 0x90
        static let dmaCommand = 0x98
    }
    /// DMA command bits (edu.rst, 0x98): start (reads 1 until the transfer is done), direction.
    static let dmaStart: UInt64 = 0x1
    static let dmaToMemory: UInt64 = 0x2
    /// The device's DMA buffer: 4 KiB at this device-side address (edu.rst, "DMA controller"),
    /// of which QEMU 7.2 lets a transfer use at most 4095 bytes (its range check refuses one
    /// that ends at the buffer's end, and stops the machine); blocks of 2 KiB fit.
    static let bufferAddress: UInt64 = 0x40000
    static let blockSize = 2048
    /// Status bit 0: a factorial is being computed (edu.rst, 0x20).
    static let computing: UInt32 = 0x1
    /// Identification: 0xRRrr00edu, major version RR (edu.rst, 0x00).
    static let majorVersion: UInt32 = 1

    let registers: MMIOWindow?
    let function: PCIFunction?
    /// Status reads before the device counts as hung. QEMU completes a DMA transfer 100 ms of
    /// its clock after the command, and a read of a register takes it well under a microsecond
    /// under TCG: 20 million reads allow several seconds.
    let patience: Int

    /// Takes the function it is handed; anything but an edu device of major version 1 leaves
    /// the driver without a device, and every call fails with `noDevice`.
    public init(function: PCIFunction?, patience: Int = 20_000_000) {
        self.patience = patience
        guard let function, function.vendorID == 0x1234, function.deviceID == 0x11e8,
              let window = try? function.mmio(bar: 0) else {
            registers = nil
            self.function = nil
            return
        }
        self.function = function
        // Decoding on (PCI 3.0 §6.2.2): firmware may leave it off.
        function.enable(.memorySpace)
        let identification = (try? window.read32(Register.identification)) ?? 0
        registers = identification & 0xff == 0xed && identification >> 24 == Self.majorVersion ? window : nil
        // The device reads and writes memory (PCI 3.0 §6.2.2: bus mastering).
        function.enable(.busMastering)
    }

    public func liveness(_ value: UInt32) throws(RpcError) -> UInt32 {
        guard let registers else { throw .noDevice }
        do {
            try registers.write32(Register.liveness, value)
            return try registers.read32(Register.liveness)
        } catch { throw .deviceFailed }
    }

    /// Writes n to the factorial register, which starts the computation (status bit 0 set), waits
    /// for the bit to clear, and reads the result from the same register (edu.rst, 0x08, 0x20).
    public func factorial(_ n: UInt32) throws(RpcError) -> UInt32 {
        guard let registers else { throw .noDevice }
        do {
            try registers.write32(Register.factorial, n)
            for _ in 0..<patience where try registers.read32(Register.status) & Self.computing == 0 {
                return try registers.read32(Register.factorial)
            }
        } catch { throw .deviceFailed }
        throw .deviceFailed
    }

    /// DMA from `block` (2 KiB) into the device's buffer, then from the buffer into a new block; each
    /// transfer is done when the start bit reads 0 (edu.rst, 0x80-0x98). The driver copies
    /// nothing: the device reads `block`'s payload and writes the new block's.
    public func copyThroughDevice(_ block: consuming RRef<InlineArray<2048, UInt8>>) throws(RpcError) -> RRef<InlineArray<2048, UInt8>> {
        guard let registers, let function else { throw .noDevice }
        let copy: RRef<InlineArray<2048, UInt8>>
        do { copy = try RRef(InlineArray(repeating: 0)) } catch { throw .invalidArgument }
        do {
            let from = try function.deviceAddress(of: block)
            let to = try function.deviceAddress(of: copy)
            try transfer(registers, source: from, destination: Self.bufferAddress, command: Self.dmaStart)
            try transfer(registers, source: Self.bufferAddress, destination: to, command: Self.dmaStart | Self.dmaToMemory)
        } catch { throw .deviceFailed }
        // The device said it was done by a register read: what it wrote is read after that.
        Fence.afterMMIORead()
        return copy
    }

    func transfer(_ registers: MMIOWindow, source: UInt64, destination: UInt64, command: UInt64) throws(DeviceError) {
        try registers.write64(Register.dmaSource, source)
        try registers.write64(Register.dmaDestination, destination)
        try registers.write64(Register.dmaCount, UInt64(Self.blockSize))
        // The buffers' contents reach memory before the device is told to read them.
        Fence.beforeDoorbell()
        try registers.write64(Register.dmaCommand, command)
        for _ in 0..<patience where try registers.read64(Register.dmaCommand) & Self.dmaStart == 0 { return }
        throw .deviceFailed("a DMA transfer did not finish")
    }
}
