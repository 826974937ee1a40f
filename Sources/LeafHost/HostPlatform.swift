import CLeafGate
import CLeafHost
import Glibc
@_spi(Kernel) import LeafCore

/// The host platform: traps caught by signal handlers, pages from the host allocator, and the
/// time-stamp counter.
@_spi(Kernel) public enum HostPlatform {
    nonisolated(unsafe) private static var installed = false

    /// Installs the trap handlers (once per process), gives this thread its alternate signal
    /// stack, and boots a kernel on host pages.
    public static func boot(
        configuration: KernelConfiguration = KernelConfiguration(), pages: HostPageSource = HostPageSource()
    ) throws(KernelError) {
        installTrapHandlers()
        prepareThread()
        try Kernel.boot(pageSource: pages, configuration: configuration)
    }

    /// Every host thread that runs domain code needs its own alternate signal stack, or a stack
    /// overflow there kills the process instead of crashing the domain. Idempotent.
    public static func prepareThread() {
        precondition(leaf_host_prepare_thread() == 0, "cannot give this thread an alternate signal stack: errno \(errno)")
    }

    public static func installTrapHandlers() {
        guard !installed else { return }
        precondition(leaf_host_install_trap_handlers() == 0, "cannot install trap handlers: errno \(errno)")
        installed = true
    }

    /// Runs `body` (which calls into domains) with a time budget: once `microseconds` have
    /// passed, a domain whose code is still running on this thread is crashed, as if it had
    /// trapped, every millisecond until `body` is done; its caller gets `domainCrashed`. Kernel
    /// code is never interrupted this way. For tests: on the host the signal can land inside the
    /// allocator, which a runaway domain that allocates would then leave locked.
    public static func withCallBudget<R, E: Error>(microseconds: UInt64, _ body: () throws(E) -> R) throws(E) -> R {
        prepareThread()
        precondition(leaf_host_arm_budget(microseconds) == 0, "cannot arm a call budget: errno \(errno)")
        defer { leaf_host_disarm_budget() }
        return try body()
    }

    /// Domains crashed for overrunning a call budget so far in this process.
    public static var budgetsOverrun: UInt64 { leaf_host_budgets_overrun() }

    /// Whether this thread has exclusivity accesses in progress (the runtime's list is not
    /// empty): a trap must leave none of the domain's behind.
    public static var hasAccessesInProgress: Bool { leaf_gate_access_head() != nil }

    /// Traps turned into domain crashes so far in this process.
    public static var trapsCaught: UInt64 { leaf_host_traps_caught() }
    public static var lastTrapSignal: Int32 { leaf_host_last_trap_signal() }

    @inline(__always) public static func cycles() -> UInt64 { leaf_host_rdtsc() }
}

extension HostPlatform {
    nonisolated(unsafe) private static let kernelLock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    /// What `withKernel` found when it shut the kernel down.
    public struct ShutdownReport: Equatable, Sendable {
        /// Pages and objects still accounted to someone after every domain was torn down.
        public var pagesLeft: Int
        public var objectsLeft: Int
        /// Host pages never returned, the kernel's own tables included.
        public var hostPagesLeaked: Int
        public init(pagesLeft: Int, objectsLeft: Int, hostPagesLeaked: Int) {
            self.pagesLeft = pagesLeft
            self.objectsLeft = objectsLeft
            self.hostPagesLeaked = hostPagesLeaked
        }
    }

    /// Boots a kernel on fresh host pages, runs `body`, shuts the kernel down. The kernel is one
    /// per process, so concurrent callers (Swift Testing runs tests in parallel) take turns.
    public static func withKernel<R, E: Error>(
        _ configuration: KernelConfiguration = KernelConfiguration(),
        _ body: (HostPageSource) throws(E) -> R
    ) throws(E) -> (R, ShutdownReport) {
        pthread_mutex_lock(kernelLock)
        defer { pthread_mutex_unlock(kernelLock) }
        let pages = HostPageSource()
        do { try boot(configuration: configuration, pages: pages) } catch { preconditionFailure("boot failed: \(error)") }
        let result: R
        do { result = try body(pages) } catch {
            Kernel.shutdown()
            throw error
        }
        let left = Kernel.shutdown()
        return (result, ShutdownReport(pagesLeft: left.pages, objectsLeft: left.objects, hostPagesLeaked: pages.pagesOutstanding))
    }
}
