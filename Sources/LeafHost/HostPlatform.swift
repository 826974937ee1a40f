import CLeafHost
import Glibc
import LeafCore

/// The host platform: traps caught by signal handlers, pages from the host allocator, and the
/// time-stamp counter.
public enum HostPlatform {
    nonisolated(unsafe) private static var installed = false

    /// Installs the trap handlers (once per process) and boots a kernel on host pages.
    public static func boot(
        configuration: KernelConfiguration = KernelConfiguration(), pages: HostPageSource = HostPageSource()
    ) throws(KernelError) {
        installTrapHandlers()
        try Kernel.boot(pageSource: pages, configuration: configuration)
    }

    public static func installTrapHandlers() {
        guard !installed else { return }
        precondition(leaf_host_install_trap_handlers() == 0, "cannot install trap handlers: errno \(errno)")
        installed = true
    }

    /// Traps turned into domain crashes so far in this process.
    public static var trapsCaught: UInt64 { leaf_host_traps_caught() }
    public static var lastTrapSignal: Int32 { leaf_host_last_trap_signal() }

    @inline(__always) public static func cycles() -> UInt64 { leaf_host_rdtsc() }
}
