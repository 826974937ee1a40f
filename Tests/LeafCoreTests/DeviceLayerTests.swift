@_spi(Kernel) import DeviceModels
import DeviceProbeDomain
import EduDomain
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing

/// The device layer on its host back-end: capabilities, windows and their bounds, BAR sizing
/// through configuration space, and the edu driver against the edu model.
@Suite struct DeviceLayerTests {
    let eduAddress = PCIAddress(bus: 0, device: 3, function: 0)
    let portsAddress = PCIAddress(bus: 0, device: 4, function: 0)

    func bus(_ edu: EduModel = EduModel()) -> VirtualPCIBus {
        let bus = VirtualPCIBus()
        bus.attach(edu, at: eduAddress)
        bus.attach(PortScratch(), at: portsAddress)
        return bus
    }

    @Test func barsAreSizedThroughConfigurationSpace() throws {
        let edu = try #require(bus().function(at: eduAddress))
        #expect(edu.vendorID == 0x1234 && edu.deviceID == 0x11e8 && edu.revision == 0x10 && edu.classCode == 0x00 && edu.subclass == 0xff)
        #expect(edu.bars.count == 1)
        let bar = try edu.bar(0)
        #expect(bar.kind == .memory32 && bar.size == 1 << 20 && bar.base % bar.size == 0)
        let ports = try #require(bus().function(at: portsAddress))
        #expect(try ports.bar(0).kind == .io && ports.bar(0).size == 32)
        #expect(try ports.bar(2).kind == .memory64 && ports.bar(2).size == 16 * 1024)
        #expect(throws: DeviceError.noSuchBAR(3)) { try ports.bar(3) }   // the high half of BAR 2
        // Sizing leaves decoding as it was (off) and every BAR where firmware put it.
        #expect(ports.command.isEmpty)
        #expect(try ports.readConfig32(0x10) & ~0x3 == UInt32(try ports.bar(0).base))
    }

    @Test(arguments: [1, 2, 4, 8])
    func everyWidthIsBoundsCheckedInAnMMIOWindow(width: Int) throws {
        let f = try #require(bus().function(at: portsAddress))
        f.enable(.memorySpace)
        let window = try f.mmio(bar: 2)
        let size = window.size
        func access(_ offset: Int) throws(DeviceError) {
            switch width {
            case 1: _ = try window.read8(offset); try window.write8(offset, 1)
            case 2: _ = try window.read16(offset); try window.write16(offset, 1)
            case 4: _ = try window.read32(offset); try window.write32(offset, 1)
            default: _ = try window.read64(offset); try window.write64(offset, 1)
            }
        }
        try access(0)
        try access(size - width)
        #expect(throws: DeviceError.outOfRange(offset: size, width: width, size: size)) { try access(size) }
        #expect(throws: DeviceError.outOfRange(offset: -width, width: width, size: size)) { try access(-width) }
        #expect(throws: DeviceError.outOfRange(offset: Int.max, width: width, size: size)) { try access(Int.max) }
        if width > 1 { #expect(throws: DeviceError.misaligned(offset: 1, width: width)) { try access(1) } }
    }

    @Test(arguments: [1, 2, 4])
    func everyWidthIsBoundsCheckedInAPortWindow(width: Int) throws {
        let f = try #require(bus().function(at: portsAddress))
        f.enable(.ioSpace)
        let ports = try f.ports(bar: 0)
        func access(_ offset: Int) throws(DeviceError) {
            switch width {
            case 1: _ = try ports.in8(offset); try ports.out8(offset, 7)
            case 2: _ = try ports.in16(offset); try ports.out16(offset, 7)
            default: _ = try ports.in32(offset); try ports.out32(offset, 7)
            }
        }
        try access(32 - width)
        #expect(throws: DeviceError.outOfRange(offset: 32, width: width, size: 32)) { try access(32) }
        if width > 1 { #expect(throws: DeviceError.misaligned(offset: 1, width: width)) { try access(1) } }
    }

    @Test func aCapabilityReachesOnlyItsOwnBARsAndKinds() throws {
        let f = try #require(bus().function(at: eduAddress))
        #expect(throws: DeviceError.noSuchBAR(1)) { try f.mmio(bar: 1) }
        #expect(throws: DeviceError.noSuchBAR(-1)) { try f.mmio(bar: -1) }
        #expect(throws: DeviceError.wrongKindOfBAR(0)) { try f.ports(bar: 0) }
        let p = try #require(bus().function(at: portsAddress))
        #expect(throws: DeviceError.wrongKindOfBAR(0)) { try p.mmio(bar: 0) }
        #expect(throws: DeviceError.badConfigOffset(256)) { try f.readConfig32(256) }
        #expect(throws: DeviceError.badConfigOffset(2)) { try f.readConfig32(2) }
        #expect(try f.readConfig8(0) == 0x34 && f.readConfig8(1) == 0x12)
        // Nothing on the bus answers for an address where nothing was attached.
        #expect(bus().function(at: PCIAddress(bus: 0, device: 5, function: 0)) == nil)
    }

    /// On bare metal the kernel maps device memory only in the low 4 GiB: a 64-bit BAR placed
    /// above gets no window (an access would fault in the driver's domain).
    @Test func aBARBeyondTheMappedDeviceMemoryGetsNoWindow() throws {
        let config = FixedConfig(words: [0x0005_1b36, 0, 0xff00_0000, 0, 0x0000_0004, 0x0000_0001])
        let bars = BARSizing.bars(of: config)
        #expect(bars == [BAR(index: 0, kind: .memory64, base: 0x1_0000_0000, size: 0x1000, prefetchable: false)])
        let f = PCIFunction(address: portsAddress, config: config, bars: bars, model: nil, clock: VirtualClock(), mappedLimit: 1 << 32)
        #expect(throws: DeviceError.notMapped(0)) { try f.mmio(bar: 0) }
        // A BAR firmware never assigned (base 0) gets no window either; a 64-bit BAR that
        // implements no upper bit does not wrap its size.
        let unassigned = FixedConfig(words: [0x0005_1b36, 0, 0xff00_0000, 0, 0x0000_0004, 0x0000_0000])
        unassigned.highImplemented = 0
        let bars0 = BARSizing.bars(of: unassigned)
        #expect(bars0.first?.size == 0x1000)
        let g = PCIFunction(address: portsAddress, config: unassigned, bars: bars0, model: nil, clock: VirtualClock(), mappedLimit: 1 << 32)
        #expect(throws: DeviceError.notMapped(0)) { try g.mmio(bar: 0) }
    }

    @Test func withDecodingOffTheDeviceSeesNothing() throws {
        let edu = EduModel()
        let f = try #require(bus(edu).function(at: eduAddress))
        let window = try f.mmio(bar: 0)
        #expect(try window.read32(0x00) == 0xffff_ffff)
        try window.write32(0x04, 5)
        f.enable(.memorySpace)
        #expect(try window.read32(0x00) == 0x0100_00ed)
        #expect(try window.read32(0x04) == 0)            // the write above never arrived
        f.enable(.busMastering)
        #expect(f.command == [.memorySpace, .busMastering])   // enabling one bit kept the other
        f.disable(.busMastering)
        #expect(f.command == [.memorySpace])
    }

    @Test func aModelCompletesWorkLaterOnItsOwnScheduleOrWhenStepped() throws {
        let edu = EduModel(latency: 2)
        let f = try #require(bus(edu).function(at: eduAddress))
        f.enable(.memorySpace)
        let w = try f.mmio(bar: 0)
        try w.write32(0x08, 5)
        #expect(try w.read32(0x20) & 1 == 1)
        #expect(try w.read32(0x20) & 1 == 1)
        #expect(try w.read32(0x20) & 1 == 0)              // done after its latency
        #expect(try w.read32(0x08) == 120)
        edu.latency = .max
        try w.write32(0x08, 4)
        #expect(try w.read32(0x20) & 1 == 1)
        edu.step()                                        // the test completes it
        #expect(try w.read32(0x20) & 1 == 0 && w.read32(0x08) == 24)
        #expect(edu.factorialsComputed == 2)
    }

    @Test func theEduDriverRunsAgainstTheModelInItsOwnDomain() throws {
        _ = try HostPlatform.withKernel { _ in
            let edu = EduModel(latency: 5)
            let devices = bus(edu)
            let driver = try EduDeviceProxy.spawn(name: "edu") { EduDriver(function: devices.function(at: eduAddress)) }
            #expect(try driver.factorial(5) == 120)
            #expect(try driver.factorial(12) == 479_001_600)
            #expect(try driver.factorial(13) == 1_932_053_504)   // 13! mod 2^32, as the device computes it
            #expect(try driver.liveness(0x1234_5678) == ~0x1234_5678)
            #expect(edu.factorialsComputed == 3)
            // A device that never finishes, and one that fails: errors, not hangs or crashes.
            let slow = EduModel(latency: .max)
            let slowBus = bus(slow)
            let patient = try EduDeviceProxy.spawn(name: "edu-slow") { EduDriver(function: slowBus.function(at: eduAddress), patience: 100) }
            #expect(throws: RpcError.deviceFailed) { try patient.factorial(3) }
            edu.failure = "stopped answering"
            #expect(throws: RpcError.deviceFailed) { try driver.factorial(3) }
            #expect(Kernel.state(of: driver.domain) == .live)
            // Handed the wrong function, or none, the driver has no device.
            let wrong = try EduDeviceProxy.spawn(name: "edu-wrong") { EduDriver(function: devices.function(at: portsAddress)) }
            #expect(throws: RpcError.noDevice) { try wrong.factorial(3) }
            #expect(kernelViolations().isEmpty)
        }
    }

    static func pattern(_ seed: UInt8) -> InlineArray<2048, UInt8> {
        var block = InlineArray<2048, UInt8>(repeating: 0)
        for i in 0..<2048 { block[i] = UInt8(truncatingIfNeeded: i &* 7) &+ seed }
        return block
    }

    /// Zero copy: the model's DMA reads the block the caller moved to the driver and writes the
    /// one the driver returns, through the memory the driver gave the device and nothing else.
    @Test func theEduDriverCopiesABlockThroughTheModelsDMA() throws {
        _ = try HostPlatform.withKernel { _ in
            let edu = EduModel(latency: 3)
            let devices = bus(edu)
            let driver = try EduDeviceProxy.spawn(name: "edu") { EduDriver(function: devices.function(at: eduAddress)) }
            let copy = try driver.copyThroughDevice(try RRef(Self.pattern(3)))
            let back = try copy.read()
            #expect((0..<2048).allSatisfy { back[$0] == Self.pattern(3)[$0] })
            #expect(edu.transfersDone == 2)
            #expect(Kernel.object(at: Int(copy.id.index)).owner == .kernel)   // the result moved to the caller
            #expect(kernelViolations().isEmpty)
        }
    }

    /// As QEMU 7.2's edu: a transfer that reaches the end of the device's buffer fails the device
    /// (QEMU stops the machine), so no driver test passes on the model that would fail on QEMU.
    @Test func theEduModelRefusesTheTransfersQEMURefuses() throws {
        _ = try HostPlatform.withKernel { _ in
            let edu = EduModel(latency: 0)
            let devices = bus(edu)
            let f = try #require(devices.function(at: eduAddress))
            f.enable(.memorySpace)
            let w = try f.mmio(bar: 0)
            let block = try RRef(InlineArray<4096, UInt8>(repeating: 0))
            try w.write64(0x80, try f.deviceAddress(of: block))
            try w.write64(0x88, 0x40000)
            try w.write64(0x90, 4096)
            try w.write64(0x98, 1)
            #expect(throws: DeviceError.self) { try w.read64(0x98) }
            #expect(edu.transfersDone == 0)
        }
    }

    @Test func deviceMemoryIsWhatTheDriverCanWriteAndNothingElse() throws {
        _ = try HostPlatform.withKernel { _ in
            let devices = bus()
            let f = try #require(devices.function(at: eduAddress))
            // Page-aligned from 2 KiB up: a block, a frame.
            let block = try RRef(InlineArray<4096, UInt8>(repeating: 0))
            let frame = try RRef(InlineArray<2048, UInt8>(repeating: 0))
            #expect(try f.deviceAddress(of: block) % 4096 == 0)
            #expect(try f.deviceAddress(of: frame) % 4096 == 0)
            // Another domain cannot hand the kernel's frame to its device.
            let d = try Kernel.createDomain(name: "other")
            var refusal: DeviceError? = nil
            try Kernel.run(in: d) {
                do throws(DeviceError) { _ = try f.deviceAddress(of: frame) } catch { refusal = error }
            }
            guard case .notDeviceMemory(.notOwner)? = refusal else { Issue.record("got \(String(describing: refusal))"); return }
            // The model reaches only mapped, live buffers, and only while the function is a bus master.
            let memory = try #require(devices.memory(at: eduAddress))
            let address = try f.deviceAddress(of: block)
            #expect(throws: DeviceError.self) { try memory.read(address, count: 4096) }         // bus mastering off
            f.enable(.busMastering)
            #expect(try memory.read(address, count: 4096).count == 4096)
            #expect(throws: DeviceError.self) { try memory.read(address + 1, count: 4096) }     // one byte past the end
            #expect(throws: DeviceError.self) { try memory.read(0x1000, count: 4) }             // memory never given
            let id = block.id
            _ = consume block                                                                   // dropped: no longer the device's
            #expect(!Kernel.isLive(id))
            #expect(throws: DeviceError.self) { try memory.write(address, [1, 2, 3]) }
            #expect(memory.refusedAccesses == 4)
        }
    }

    /// A ring's entries, one at a time: bounds- and type-checked, owner-only writes, and what the
    /// device wrote (here through the model's DMA) seen by the next read.
    @Test func ringEntriesAreReadAndWrittenOneAtATime() throws {
        _ = try HostPlatform.withKernel { _ in
            let devices = bus()
            let f = try #require(devices.function(at: eduAddress))
            var ring = try RRef(InlineArray<256, UInt64>(repeating: 0))
            try ring.write(0xabcd, at: 255)
            #expect(try ring.read(at: 255) == UInt64(0xabcd))
            #expect(throws: AccessError.badElement(ring.id, 256)) { try ring.read(at: 256) }
            #expect(throws: AccessError.badElement(ring.id, -1)) { try ring.write(1, at: -1) }
            // The device completes entry 3 (8 bytes at offset 24): the next read sees it.
            let memory = try #require(devices.memory(at: eduAddress))
            f.enable(.busMastering)
            let base = try f.deviceAddress(of: ring)
            try memory.write(base + 24, [0x11, 0, 0, 0, 0, 0, 0, 0x80])
            #expect(try ring.read(at: 3) == UInt64(0x8000_0000_0000_0011))
            // Another domain can neither read nor write the kernel's ring.
            let d = try Kernel.createDomain(name: "other")
            let id = ring.id
            var refused = 0
            try Kernel.run(in: d) {
                var stolen = RRef<InlineArray<256, UInt64>>(_adopting: id)
                if (try? stolen.read(at: 0)) == nil { refused += 1 }
                if (try? stolen.write(7, at: 0)) == nil { refused += 1 }
                _ = stolen._relinquish()
            }
            #expect(refused == 2)
            #expect(try ring.read(at: 0) == UInt64(0))
        }
    }

    /// A queue ring of 64 KiB: filled in place, page-aligned, one contiguous run, its last entry
    /// in reach.
    @Test func aRingOf64KiBIsOnePageAlignedRun() throws {
        _ = try HostPlatform.withKernel { _ in
            let f = try #require(bus().function(at: eduAddress))
            var ring = try RRef<InlineArray<65536, UInt8>>(repeating: 0xab)
            #expect(try f.deviceAddress(of: ring) % 4096 == 0)
            #expect(try ring.read(at: 0) == UInt8(0xab) && ring.read(at: 65535) == UInt8(0xab))
            try ring.write(1, at: 65535)
            #expect(try ring.read(at: 65535) == UInt8(1))
        }
    }

    @Test func aDomainHandedNoCapabilityReachesNoDevice() throws {
        _ = try HostPlatform.withKernel { _ in
            let devices = bus()
            let given = try DeviceProbeProxy.spawn(name: "given") { DeviceProbeDomain(function: devices.function(at: eduAddress)) }
            let none = try DeviceProbeProxy.spawn(name: "none") { DeviceProbeDomain(function: nil) }
            #expect(try given.identity() == 0x11e8_1234)
            #expect(try given.read32(0, 0x00) == 0x0100_00ed)
            #expect(throws: RpcError.deviceFailed) { try given.read32(0, 1 << 20) }   // past its BAR
            #expect(throws: RpcError.deviceFailed) { try given.in32(0, 0) }          // not an I/O BAR
            #expect(throws: RpcError.noDevice) { try none.read32(0, 0x00) }
            #expect(throws: RpcError.noDevice) { try none.identity() }
        }
    }
}

/// A test device with an I/O BAR of 32 bytes and a 64-bit memory BAR of 16 KiB that hold what is
/// written to them (for the window tests, which need both kinds of BAR).
final class PortScratch: PCIDeviceModel {
    let identity = ModelIdentity(vendorID: 0x1b36, deviceID: 0x0005, revision: 0, classCode: 0xff, subclass: 0, progIF: 0,
                                 bars: [(slot: 0, kind: .io, size: 32), (slot: 2, kind: .memory64, size: 16 * 1024)])
    var bytes: [UInt8] = Array(repeating: 0, count: 16 * 1024)

    func read(bar: Int, offset: Int, width: Int) throws(DeviceError) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<width { v |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
        return v
    }

    func write(bar: Int, offset: Int, width: Int, value: UInt64) throws(DeviceError) {
        for i in 0..<width { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
    }
}

/// A configuration space with one 64-bit, 4 KiB memory BAR at 4 GiB (a BAR the kernel's
/// identity map does not reach).
final class FixedConfig: ConfigSpace {
    var words: [UInt32]
    var sizing = [false, false]
    var highImplemented: UInt32 = 0xffff_ffff
    init(words: [UInt32]) { self.words = words + Array(repeating: 0, count: 64 - words.count) }
    func read32(_ offset: Int) -> UInt32 {
        if offset == 0x10 && sizing[0] { return 0xffff_f004 }
        if offset == 0x14 && sizing[1] { return highImplemented }
        return words[offset / 4]
    }
    func write32(_ offset: Int, _ value: UInt32) {
        if offset == 0x10 || offset == 0x14 { sizing[(offset - 0x10) / 4] = value == 0xffff_ffff; return }
        if offset >= 0x18 && offset < 0x28 { return }   // BARs 2...5 are not implemented: they stay 0
        words[offset / 4] = value
    }
}
