@_spi(Kernel) import LeafCore
import LeafDevices

/// A behavioural model of QEMU's `edu` device (hw/misc/edu.c, the teaching device; QEMU 7.2
/// `-device edu`): vendor 1234, device 11e8, revision 0x10, class 0x00 subclass 0xff (as QEMU
/// reports it: PCI_CLASS_OTHERS is 0x00ff there), one 1 MiB 32-bit memory BAR.
/// Registers (32-bit accesses only below 0x80; others read as all ones and are ignored):
///   0x00 identification 0x010000ed (major 1, minor 0)
///   0x04 liveness: reads back the inverse of what was written
///   0x08 factorial: a write of n starts computing n! (mod 2^32); read the result once done
///   0x20 status: bit 0 computing (write ignored while set), bit 7 interrupt when done
///   0x80 DMA source, 0x88 DMA destination, 0x90 DMA count (4- or 8-byte accesses from 0x80)
///   0x98 DMA command: bit 0 start (reads 1 until done), bit 1 direction (0: memory to the
///        device's 4 KiB buffer at 0x40000, 1: the buffer to memory), bit 2 interrupt when done
/// Work completes later, as on the real device (a worker thread; a 100 ms timer for DMA): after
/// `latency` further reads of the status or command register, or when the test calls `step()`.
/// Its DMA reaches only the memory the driver gave the device (`ModelMemory`). A transfer outside
/// the device's buffer (QEMU 7.2: one that does not end strictly before 0x41000), which stops
/// QEMU, fails the device here. Interrupts are not modelled.
public final class EduModel: PCIDeviceModel {
    public let identity = ModelIdentity(vendorID: 0x1234, deviceID: 0x11e8, revision: 0x10, classCode: 0x00, subclass: 0xff, progIF: 0,
                                        bars: [(slot: 0, kind: .memory32, size: 1 << 20)])
    /// Status reads after which a factorial completes on its own.
    public var latency: Int
    /// When set, every access fails with this reason (a device that stopped answering).
    public var failure: String? = nil
    public private(set) var factorialsComputed = 0

    var liveness: UInt32 = 0
    var factorial: UInt32 = 0
    var computing = false
    var interruptOnCompletion = false
    var statusReadsLeft = 0
    var dmaSource: UInt64 = 0, dmaDestination: UInt64 = 0, dmaCount: UInt64 = 0, dmaCommand: UInt64 = 0
    var dmaReadsLeft = 0
    /// The device's DMA buffer (edu.rst: 4 KiB at 0x40000).
    var buffer: [UInt8] = Array(repeating: 0, count: 4096)
    static let bufferStart: UInt64 = 0x40000
    var memory: ModelMemory? = nil
    public private(set) var transfersDone = 0

    public init(latency: Int = 3) { self.latency = latency }

    public func attached(memory: ModelMemory) { self.memory = memory }

    /// Completes the work in progress now: a factorial, a DMA transfer.
    public func step() {
        computeFactorial()
        transfer()
    }

    func computeFactorial() {
        guard computing else { return }
        var result: UInt32 = 1
        var n = factorial
        while n > 0 { result &*= n; n -= 1 }
        factorial = result
        computing = false
        factorialsComputed += 1
    }

    /// The transfer the command asked for; a range outside the device's buffer, or memory the
    /// driver did not give the device, fails the device.
    func transfer() {
        guard dmaCommand & 1 != 0 else { return }
        dmaCommand &= ~1
        let toMemory = dmaCommand & 2 != 0
        let inside = toMemory ? dmaSource : dmaDestination
        let outside = toMemory ? dmaDestination : dmaSource
        // QEMU 7.2's range check: the transfer must end strictly before the buffer's end (so at
        // most 4095 bytes); outside it, QEMU stops the machine.
        guard inside >= Self.bufferStart, dmaCount > 0, dmaCount < 4096, inside - Self.bufferStart < 4096 - dmaCount, let memory else {
            // A literal (no allocation: this runs in the driver's domain, the model is not its).
            failure = "a DMA range outside the device's buffer"
            return
        }
        let start = Int(inside - Self.bufferStart), count = Int(dmaCount)
        let done = Kernel.inKernelHeap { () -> Bool in
            do throws(DeviceError) {
                if toMemory {
                    try memory.write(outside, Array(buffer[start..<start + count]))
                } else {
                    let bytes = try memory.read(outside, count: count)
                    buffer.replaceSubrange(start..<start + count, with: bytes)
                }
                return true
            } catch { return false }
        }
        if done { transfersDone += 1 } else { failure = "DMA to memory the driver did not give the device" }
    }

    public func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64 {
        if let failure { throw .deviceFailed(failure) }
        if offset >= 0x80 {
            guard width == 4 || width == 8 else { return allOnes(width) }
            let value: UInt64
            switch offset {
            case 0x80: value = dmaSource
            case 0x88: value = dmaDestination
            case 0x90: value = dmaCount
            case 0x98:
                if dmaCommand & 1 != 0 {
                    dmaReadsLeft -= 1
                    if dmaReadsLeft < 0 { transfer() }
                    if let failure { throw .deviceFailed(failure) }
                }
                value = dmaCommand
            default: value = 0
            }
            return width == 4 ? value & 0xffff_ffff : value
        }
        guard width == 4 else { return allOnes(width) }
        switch offset {
        case 0x00: return 0x0100_00ed
        case 0x04: return UInt64(liveness)
        case 0x08: return UInt64(factorial)
        case 0x20:
            if computing {
                statusReadsLeft -= 1
                if statusReadsLeft < 0 { computeFactorial() }
            }
            return (computing ? 0x1 : 0) | (interruptOnCompletion ? 0x80 : 0)
        default: return 0
        }
    }

    public func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError) {
        if let failure { throw .deviceFailed(failure) }
        if offset >= 0x80 {
            // As QEMU: DMA registers do not change while a transfer runs.
            guard width == 4 || width == 8, dmaCommand & 1 == 0 else { return }
            let v = width == 4 ? value & 0xffff_ffff : value
            switch offset {
            case 0x80: dmaSource = v
            case 0x88: dmaDestination = v
            case 0x90: dmaCount = v
            case 0x98:
                guard v & 1 != 0 else { return }
                dmaCommand = v
                dmaReadsLeft = latency
            default: break
            }
            return
        }
        guard width == 4 else { return }
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case 0x04: liveness = ~v
        case 0x08:
            guard !computing else { return }
            factorial = v
            computing = true
            statusReadsLeft = latency
        case 0x20: interruptOnCompletion = v & 0x80 != 0
        default: break
        }
    }
}
