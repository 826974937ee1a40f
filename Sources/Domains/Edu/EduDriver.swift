import LeafInterfaces
import LeafSDK

/// The driver of QEMU's `edu` device (QEMU docs/specs/edu.rst; hw/misc/edu.c), the same source
/// against QEMU's device (make qemu-test) and against `DeviceModels.EduModel` (host tests).
public final class EduDriver: FactorialDevice {
    /// The registers of BAR 0 (edu.rst, "MMIO area spec"); all 32 bits wide.
    enum Register {
        static let identification = 0x00
        static let liveness = 0x04
        static let factorial = 0x08
        static let status = 0x20
    }
    /// Status bit 0: a factorial is being computed (edu.rst, 0x20).
    static let computing: UInt32 = 0x1
    /// Identification: 0xRRrr00edu, major version RR (edu.rst, 0x00).
    static let majorVersion: UInt32 = 1

    let registers: MMIOWindow?
    /// Status reads before a computation counts as hung.
    let patience: Int

    /// Takes the function it is handed; anything but an edu device of major version 1 leaves
    /// the driver without a device, and every call fails with `noDevice`.
    public init(function: PCIFunction?, patience: Int = 1_000_000) {
        self.patience = patience
        guard let function, function.vendorID == 0x1234, function.deviceID == 0x11e8,
              let window = try? function.mmio(bar: 0) else {
            registers = nil
            return
        }
        // Decoding on (PCI 3.0 §6.2.2): firmware may leave it off.
        function.enable(.memorySpace)
        let identification = (try? window.read32(Register.identification)) ?? 0
        registers = identification & 0xff == 0xed && identification >> 24 == Self.majorVersion ? window : nil
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
}
