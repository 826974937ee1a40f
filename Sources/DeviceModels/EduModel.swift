import LeafDevices

/// A behavioural model of QEMU's `edu` device (hw/misc/edu.c, the teaching device; QEMU 7.2
/// `-device edu`): vendor 1234, device 11e8, revision 0x10, class 0x00 subclass 0xff (as QEMU
/// reports it: PCI_CLASS_OTHERS is 0x00ff there), one 1 MiB 32-bit memory BAR.
/// Registers (32-bit accesses only below 0x80; others read as all ones and are ignored):
///   0x00 identification 0x010000ed (major 1, minor 0)
///   0x04 liveness: reads back the inverse of what was written
///   0x08 factorial: a write of n starts computing n! (mod 2^32); read the result once done
///   0x20 status: bit 0 computing (write ignored while set), bit 7 interrupt when done
/// The factorial completes later, as on the real device, whose worker thread takes its time:
/// after `latency` further reads of the status register, or when the test calls `step()`.
/// DMA (0x80...) and interrupts are not modelled.
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

    public init(latency: Int = 3) { self.latency = latency }

    /// Completes a computation in progress now.
    public func step() {
        guard computing else { return }
        var result: UInt32 = 1
        var n = factorial
        while n > 0 { result &*= n; n -= 1 }
        factorial = result
        computing = false
        factorialsComputed += 1
    }

    public func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64 {
        if let failure { throw .deviceFailed(failure) }
        guard offset < 0x80, width == 4 else { return width == 8 ? ~0 : (1 << (8 * UInt64(width))) - 1 }
        switch offset {
        case 0x00: return 0x0100_00ed
        case 0x04: return UInt64(liveness)
        case 0x08: return UInt64(factorial)
        case 0x20:
            if computing {
                statusReadsLeft -= 1
                if statusReadsLeft < 0 { step() }
            }
            return (computing ? 0x1 : 0) | (interruptOnCompletion ? 0x80 : 0)
        default: return 0
        }
    }

    public func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError) {
        if let failure { throw .deviceFailed(failure) }
        guard offset < 0x80, width == 4 else { return }
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
