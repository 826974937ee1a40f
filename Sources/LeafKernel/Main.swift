import CLeafKernel
import LeafBoot
import LeafDevices
@_spi(Kernel) import LeafCore

/// The PVH start_info (Xen's hvm_start_info, version 1), as the boot code hands it over.
struct StartInfo {
    static let magic: UInt32 = 0x336e_c578

    /// The kernel command line (QEMU's -append), or "".
    static func commandLine(at address: UInt64) -> String {
        guard address != 0, let p = UnsafeRawPointer(bitPattern: UInt(address)),
              p.load(as: UInt32.self) == magic else { return "" }
        let line = p.load(fromByteOffset: 0x18, as: UInt64.self)
        guard line != 0, let c = UnsafePointer<UInt8>(bitPattern: UInt(line)) else { return "" }
        var bytes: [UInt8] = []
        while bytes.count < 256 && c[bytes.count] != 0 { bytes.append(c[bytes.count]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// RAM ranges from the PVH memory map (type 1), or nil when there is none.
    static func ramRanges(at address: UInt64) -> [(base: UInt64, length: UInt64)]? {
        guard address != 0, let p = UnsafeRawPointer(bitPattern: UInt(address)) else { return nil }
        guard p.load(as: UInt32.self) == magic, p.load(fromByteOffset: 4, as: UInt32.self) >= 1 else { return nil }
        let mapAddress = p.load(fromByteOffset: 0x28, as: UInt64.self)
        let entries = Int(p.load(fromByteOffset: 0x30, as: UInt32.self))
        guard mapAddress != 0, entries > 0, let map = UnsafeRawPointer(bitPattern: UInt(mapAddress)) else { return nil }
        var ranges: [(base: UInt64, length: UInt64)] = []
        for i in 0..<entries {
            let e = map + i * 24
            let base = e.load(as: UInt64.self)
            let length = e.load(fromByteOffset: 8, as: UInt64.self)
            let type = e.load(fromByteOffset: 16, as: UInt32.self)
            print("  memory \(Console.hex(base, digits: 9))-\(Console.hex(base + length, digits: 9)) \(type == 1 ? "RAM" : "reserved (type \(type))")")
            if type == 1 { ranges.append((base, length)) }
        }
        return ranges
    }
}

/// The kernel's Swift entry, called by boot/pvh.S in long mode on the boot stack.
@_cdecl("leaf_kernel_main")
func kernelMain(startInfo: UInt64) {
    let entryTSC = leaf_rdtsc()
    leaf_serial_init()
    print("SwiftLeaf: long mode; serial console on COM1")
    leaf_descriptors_init()
    leaf_pic_disable()
    print("cpu: GDT with TSS, IDT with 256 vectors (32 exceptions), PIC masked")

    var ranges = StartInfo.ramRanges(at: startInfo) ?? []
    if ranges.isEmpty {
        print("memory: the PVH start_info has no memory map; assuming 64 MiB of RAM")
        ranges = [(0x10_0000, 63 << 20)]
    }
    leaf_paging_guard_null_page()
    // The boot stack's lowest page becomes its guard: an overflow faults instead of running
    // into the page tables below it.
    let bootGuard = leaf_paging_set_present(leaf_boot_stack_bottom(), false)
    print("paging: low 4 GiB identity-mapped; page 0 unmapped as a null guard; guard pages under the stacks\(bootGuard ? "" : " (boot stack unguarded)")")
    guard let frames = FrameAllocator(ranges: ranges) else {
        print("memory: no usable RAM above the kernel image")
        leaf_qemu_exit(UInt8(LEAF_EXIT_FAILURE))
    }
    Runtime.frames = frames
    print("frames: \(frames.usableFrames) free frames of 4 KiB (\(frames.usableFrames / 256) MiB); image \(Console.hex(leaf_image_start()))-\(Console.hex(leaf_image_end()))")

    let usedBeforeBoot = frames.usedFrames
    frames.currentTag = FrameAllocator.Tag.tables
    // Domain objects live in their domains' private heaps here (the runtime's allocator entry
    // points allocate from the current domain): teardown forgets them with their pages.
    // 96 objects: enough for the self-test (Rv6's file system takes 18 with its 16-slot cache),
    // and small enough that the monitor can evaluate the specification's invariants (some cubic
    // in the objects) on the abstraction after every step.
    // Rv6 (leaf.rv6) has no monitor to keep fast: room for its processes' buffers and pipes.
    let commandLine = StartInfo.commandLine(at: startInfo)
    let options = commandLine.split(separator: " ")
    let bootsRv6 = options.contains { $0 == "leaf.rv6" }
    let configuration = KernelConfiguration(objectCapacity: bootsRv6 ? 1024 : 96, domainObjectsLiveInPrivateHeaps: true)
    do throws(KernelError) { try Kernel.boot(pageSource: frames, configuration: configuration) } catch {
        print("leafcore: boot failed: \(error)")
        leaf_qemu_exit(UInt8(LEAF_EXIT_FAILURE))
    }
    frames.currentTag = FrameAllocator.Tag.shared
    Monitor.baselineFrames = frames.usedFrames - Kernel.pagesInUse
    print("leafcore: booted; tables take \(frames.frames(tagged: FrameAllocator.Tag.tables)) frames")
    Threads.setUp()

    if !commandLine.isEmpty { print("boot: command line \"\(commandLine)\"") }
    SelfTest.icount = options.contains { $0 == "leaf.icount" }
    // leaf.monitor=every: the debug kernel, whose monitor runs after every transition of the
    // self-test's kernel steps (the device steps are left out: thousands of transitions each).
    SelfTest.everyTransition = options.contains { $0 == "leaf.monitor=every" }
    // leaf.poison: freed frames are filled with 0xAB, so that a use of freed memory shows.
    frames.poisonFreed = options.contains { $0 == "leaf.poison" }
    if options.contains(where: { $0 == "leaf.fault=kernel" }) {
        // The check of the panic path (boot/qemu.sh test): a #PF with no domain to blame.
        print("boot: leaf.fault=kernel: faulting in the kernel itself on purpose")
        leaf_fault_unmapped()
    }

    leaf_lapic_init()
    var apicPerMs: UInt64 = 0
    var tscPerMs: UInt64 = 0
    leaf_lapic_calibrate(10, &apicPerMs, &tscPerMs)
    if apicPerMs < 1000 || tscPerMs < 1000 {
        // PIT channel 2 did not count (no PIT?): assume QEMU's 1 GHz APIC clock and a 2 GHz TSC.
        print("apic: calibration against the PIT failed (\(apicPerMs) APIC ticks/ms, \(tscPerMs) TSC/ms); assuming defaults")
        apicPerMs = 62_500
        tscPerMs = 2_000_000
    }
    Clock.tscPerMs = tscPerMs
    let period = UInt32(clamping: max(apicPerMs, 1))     // 1 ms
    leaf_lapic_timer_start(period)
    leaf_sti()
    print("apic: id \(leaf_lapic_id()); timer \(apicPerMs) ticks/ms (divide 16), period 1 ms; TSC \(tscPerMs / 1000) MHz")

    SelfTest.frames = frames
    if bootsRv6 {
        let devices = PCI.enumerate()
        let graph = Boot.run(KernelManifest.standard, functions: devices)
        for line in graph.log { print(line) }
        Rv6Boot.run(graph: graph, frames: frames)
    }
    bootAndTest()

    leaf_lapic_timer_stop()
    finish(frames: frames, usedBeforeBoot: usedBeforeBoot, entryTSC: entryTSC)
}

/// Finds the PCI functions, creates the manifest's domains with them, and runs the self-test.
/// Everything made here (capabilities, proxies) is released on return, before shutdown.
func bootAndTest() {
    let devices = PCI.enumerate()
    print("pci: \(devices.count) functions")
    for d in devices { print("  pci \(PCI.describe(d))") }
    let graph = Boot.run(KernelManifest.standard, functions: devices)
    for line in graph.log { print(line) }
    SelfTest.run(pciDevices: devices, graph: graph)
}

/// Shuts LeafCore down (every page back to the frame allocator), prints the result, exits QEMU.
func finish(frames: FrameAllocator, usedBeforeBoot: Int, entryTSC: UInt64) -> Never {
    print("runtime: \(Runtime.staleFrees) frees after teardown, \(Runtime.foreignFrees) frees of other heaps' blocks, \(Runtime.refusedFrees) refused, \(Runtime.failedAllocations) failed allocations; \(Kernel.refusedDrops) refused RRef drops; early arena \(Runtime.earlyUsed / 1024) KiB")
    let leftover = Kernel.shutdown()
    // From here on the kernel heap is gone: the runtime allocates from the early arena.
    SelfTest.check(leftover.pages == 0 && leftover.objects == 0, "shutdown: no page or object left accounted to anyone")
    SelfTest.check(frames.usedFrames == usedBeforeBoot, "shutdown: every frame back in the allocator (\(frames.usedFrames) used, \(usedBeforeBoot) before boot)")
    let ms = (leaf_rdtsc() - entryTSC) / Clock.tscPerMs
    if SelfTest.everyTransition {
        print("monitor: checked after every transition: \(Monitor.transitions) transitions, \(Monitor.transitionViolations) violations (\(Monitor.deferredTransitions) timer preemptions checked with the transition after them)")
    }
    print("selftest: \(SelfTest.passed) passed, \(SelfTest.failed) failed (\(Monitor.checks) monitor checks of the spec's invariants and the representation invariant, \(Monitor.violations) violations; \(ms) ms since kernel entry)")
    leaf_qemu_exit(UInt8(SelfTest.failed == 0 ? LEAF_EXIT_SUCCESS : LEAF_EXIT_FAILURE))
}
