import CLeafGate
import CLeafKernel
@_spi(Kernel) import LeafCore

/// Real threads on top of LeafCore's scheduler bookkeeping: LeafCore decides who runs
/// (Kernel.yield / preempt / block, with their run queue and per-thread continuations); this file
/// gives each thread a stack and switches to it.
///
/// Preemption: LeafCore's state is not reentrant (a call gate half-way through `enter`, a heap
/// half-way through an allocation), so the timer only takes the CPU from a thread that is inside
/// a preemptible section (`Threads.withPreemption { ... }`), or that has run Rv6 program code for
/// a time slice and was interrupted in it (boot/kernel.ld keeps that code apart), as a kernel
/// that is not itself preemptible takes the CPU from user code. Elsewhere a tick is only counted.
enum Threads {
    struct Context {
        var rsp: UInt64 = 0
        var stack: UnsafeMutableRawPointer? = nil
        var stackPages = 0
        var guarded = false
        var body: (() -> Void)? = nil
        var finished = false
        var preemptible = false
        var timesPreempted = 0
        /// Times the thread came back to find its calls unwound by another thread's crash.
        var unwoundOnResume = 0
        /// The TSC value past which the domain this thread runs in is crashed at the next tick
        /// (0: no budget). Set by `withCallBudget`.
        var deadline: UInt64 = 0
        /// The domain of the Rv6 program this thread runs (kernel: none): the timer preempts the
        /// thread only while it runs that program's code in it.
        var program: DomainID = .kernel
    }

    /// A thread that was inside a call into a domain that crashed on another thread has had its
    /// frames popped by LeafCore, but its stack is still in the dead domain's code. Back on the
    /// CPU, it resumes the continuation of the call that was unwound, with CallGate.unwound; that
    /// call's proxy then returns RpcError.domainCrashed.
    static func resumeIfUnwound(_ me: ThreadID) {
        guard Kernel.hasPendingUnwind else { return }
        let c = contexts.unsafelyUnwrapped + Int(me.raw)
        c.pointee.unwoundOnResume += 1
        preemptible = false
        leaf_sti()
        Kernel.resumePendingUnwind()
    }

    static let stackPages = 16
    nonisolated(unsafe) static var contexts: UnsafeMutablePointer<Context>? = nil
    nonisolated(unsafe) static var capacity = 0
    /// Whether the running thread may be preempted now (saved per thread across switches).
    nonisolated(unsafe) static var preemptible = false
    nonisolated(unsafe) static var ticks = 0
    nonisolated(unsafe) static var preemptions = 0
    /// The threads the timer switched to, in order (a short log for the self-test).
    nonisolated(unsafe) static var switchLog: InlineArray<64, UInt16> = .init(repeating: 0)
    nonisolated(unsafe) static var switchLogCount = 0

    static func setUp() {
        capacity = Kernel.configuration.threadCapacity
        let p = UnsafeMutablePointer<Context>.allocate(capacity: capacity)
        p.initialize(repeating: Context(), count: capacity)
        contexts = p
    }

    /// A new thread running `body` in `home`, with its own stack; it runs when LeafCore
    /// dispatches it.
    static func spawn(home: DomainID, frames: FrameAllocator, _ body: @escaping () -> Void) throws(KernelError) -> ThreadID {
        let saved = frames.currentTag
        frames.currentTag = FrameAllocator.Tag.stack
        let total = stackPages + 1
        let stack = frames.allocatePages(total)
        frames.currentTag = saved
        guard let stack else { throw .outOfMemory }
        let guarded = leaf_paging_set_present(UInt64(UInt(bitPattern: stack)), false)
        let enabled = leaf_irq_save()
        defer { leaf_irq_restore(enabled) }
        let t: ThreadID
        do { t = try Kernel.spawnThread(home: home) } catch {
            if guarded { _ = leaf_paging_set_present(UInt64(UInt(bitPattern: stack)), true) }
            frames.freePages(stack, total)
            throw error
        }
        let c = contexts.unsafelyUnwrapped + Int(t.raw)
        releaseStack(c, frames)
        c.pointee = Context()
        c.pointee.stack = stack
        c.pointee.stackPages = total
        c.pointee.guarded = guarded
        c.pointee.body = body
        c.pointee.rsp = leaf_thread_initial_rsp(UInt64(UInt(bitPattern: stack)) + UInt64(total * 4096))
        return t
    }

    /// Switches stacks after LeafCore moved the CPU from `old` to `new`. Interrupts are off.
    static func switchStacks(from old: ThreadID, to new: ThreadID) {
        guard old != new else { return }
        let c = contexts.unsafelyUnwrapped
        programTicks = 0
        switchedInAt = leaf_rdtsc()
        c[Int(old.raw)].preemptible = preemptible
        preemptible = c[Int(new.raw)].preemptible
        leaf_switch_context(&c[Int(old.raw)].rsp, c[Int(new.raw)].rsp)
        // Back on the CPU: `old` is this thread.
        resumeIfUnwound(old)
    }

    /// Gives the CPU to the next ready thread, if any.
    static func yield() {
        let enabled = leaf_irq_save()
        let old = Kernel.runningThread
        let new = Kernel.yield()
        switchStacks(from: old, to: new)
        leaf_irq_restore(enabled)
    }

    /// Runs `body` with preemption allowed. `body` must not enter LeafCore (no calls, no
    /// allocation): it is the kind of code a timer may interrupt at any instruction.
    static func withPreemption(_ body: () -> Void) {
        preemptible = true
        body()
        preemptible = false
    }

    /// Runs `body` (which calls into domains) with a time budget: once `milliseconds` have
    /// passed, the timer crashes whatever domain this thread is running at its next tick, as if
    /// it had trapped, and the call into it returns `domainCrashed`; kernel code is left to
    /// finish. A budget inside another ends no later than the outer one. Rv6's `kill` will
    /// crash a runaway the same way.
    static func withCallBudget<R, E: Error>(milliseconds: UInt64, _ body: () throws(E) -> R) throws(E) -> R {
        let me = Int(Kernel.runningThread.raw)
        let outer = contexts.unsafelyUnwrapped[me].deadline
        let mine = Clock.deadline(afterMilliseconds: milliseconds)
        contexts.unsafelyUnwrapped[me].deadline = outer == 0 ? mine : min(outer, mine)
        defer { contexts.unsafelyUnwrapped[me].deadline = outer }
        return try body()
    }

    /// Domains the timer crashed for overrunning a call budget.
    nonisolated(unsafe) static var budgetsOverrun = 0

    /// Asked by the timer interrupt while a domain's code runs (a continuation is innermost):
    /// whether the running thread's budget is spent, so that the domain is to be crashed.
    static func budgetOverrun() -> Bool {
        guard Kernel.isBooted, let c = contexts else { return false }
        let deadline = c[Int(Kernel.runningThread.raw)].deadline
        guard deadline != 0, Clock.now >= deadline else { return false }
        let domain = Kernel.currentDomain
        guard domain != .kernel, Kernel.state(of: domain) == .live else { return false }
        budgetsOverrun += 1
        // Spent: one crash per budget. A tick that lands while this crash unwinds (slow under
        // TCG: the domain is still current and live until its teardown) must not count it again.
        contexts.unsafelyUnwrapped[Int(Kernel.runningThread.raw)].deadline = 0
        Traps.last = Traps.Fault(vector: UInt64(LEAF_VECTOR_TIMER), domain: domain, rip: 0, address: 0)
        // What resumes is the caller, outside any preemptible section the domain was in.
        preemptible = false
        return true
    }

    /// The TSC value when the running thread last got the CPU.
    nonisolated(unsafe) static var switchedInAt: UInt64 = 0

    /// Ticks a program's code may keep the CPU while other threads are ready (10 ms).
    static let programSlice = 10
    /// Ticks that found the running thread in program code since it last got the CPU.
    nonisolated(unsafe) static var programTicks = 0
    /// Preemptions of program code (a subset of `preemptions`).
    nonisolated(unsafe) static var programPreemptions = 0

    /// The timer (interrupts off, EOI sent). `inProgram`: it interrupted Rv6 program code.
    static func tick(inProgram: Bool) {
        ticks += 1
        guard Kernel.isBooted, contexts != nil else { return }
        // The slice runs while the thread is in its program's domain (not in a domain it
        // called), wherever the instruction is; it ends at a tick in the program's own code.
        let domain = Kernel.currentDomain
        let inOwnDomain = domain != .kernel && domain == contexts.unsafelyUnwrapped[Int(Kernel.runningThread.raw)].program
        if inOwnDomain { programTicks += 1 }
        let slicedProgram = inProgram && inOwnDomain && programTicks >= programSlice
        guard preemptible || slicedProgram else { return }
        // A thread just switched to keeps the CPU for a period: the work before its switch (the
        // debug kernel's monitor check, under TCG on a loaded host) can outlast a period, and the
        // tick it left pending would take the CPU back before the thread ran an instruction,
        // every time it got it (seen: a thread preempted 14,087 times without finishing).
        guard leaf_rdtsc() &- switchedInAt >= Clock.tscPerMs else { return }
        let old = Kernel.runningThread
        inTimerPreemption = true
        let new = Kernel.preempt()
        inTimerPreemption = false
        guard new != old else { return }
        preemptions += 1
        if slicedProgram { programPreemptions += 1 }
        contexts.unsafelyUnwrapped[Int(old.raw)].timesPreempted += 1
        if switchLogCount < 64 { switchLog[switchLogCount] = new.raw; switchLogCount += 1 }
        switchStacks(from: old, to: new)
    }

    /// The timer's handler is preempting the running thread (the debug kernel's monitor defers
    /// its check: run here, it would outlast the period, and the thread switched to would take
    /// the next tick at once, for ever).
    nonisolated(unsafe) static var inTimerPreemption = false

    /// A thread's first instructions (from leaf_thread_trampoline): run the body, then block for
    /// good; the thread that waits for it ends it with Kernel.exit.
    static func start() -> Never {
        let t = Kernel.runningThread
        leaf_sti()
        if let body = contexts.unsafelyUnwrapped[Int(t.raw)].body { body() }
        let _ = leaf_irq_save()
        // The body (allocated by the spawning domain) is released by `reap`, in that domain.
        contexts.unsafelyUnwrapped[Int(t.raw)].finished = true
        while true {
            do {
                        let next = try Kernel.block()
                switchStacks(from: t, to: next)
            } catch {
                // No other thread is ready: wait for an interrupt to change that.
                leaf_sti(); leaf_hlt(); leaf_cli()
            }
        }
    }

    static func finished(_ t: ThreadID) -> Bool { contexts.unsafelyUnwrapped[Int(t.raw)].finished }
    static func timesPreempted(_ t: ThreadID) -> Int { contexts.unsafelyUnwrapped[Int(t.raw)].timesPreempted }
    static func unwoundOnResume(_ t: ThreadID) -> Int { contexts.unsafelyUnwrapped[Int(t.raw)].unwoundOnResume }

    /// Ends a finished (blocked) thread, or one LeafCore already ended (its home domain
    /// crashed), and returns its stack.
    static func reap(_ t: ThreadID, frames: FrameAllocator) throws(KernelError) {
        let enabled = leaf_irq_save()
        defer { leaf_irq_restore(enabled) }
        if Kernel.state(of: t) != .exited { try Kernel.exit(t) }
        let c = contexts.unsafelyUnwrapped + Int(t.raw)
        releaseStack(c, frames)
        c.pointee.body = nil
    }

    /// Maps the guard page back and returns a thread's stack frames.
    static func releaseStack(_ c: UnsafeMutablePointer<Context>, _ frames: FrameAllocator) {
        guard let stack = c.pointee.stack else { return }
        if c.pointee.guarded { _ = leaf_paging_set_present(UInt64(UInt(bitPattern: stack)), true) }
        frames.freePages(stack, c.pointee.stackPages)
        c.pointee.stack = nil
        c.pointee.guarded = false
    }

    /// Stack frames in use, for the monitor's page accounting.
    static var stackFramesInUse: Int {
        var n = 0
        for i in 0..<capacity where contexts.unsafelyUnwrapped[i].stack != nil { n += contexts.unsafelyUnwrapped[i].stackPages }
        return n
    }
}

@_cdecl("leaf_kernel_timer_tick")
func timerTick(_ inProgram: Bool) { Threads.tick(inProgram: inProgram) }

@_cdecl("leaf_kernel_budget_overrun")
func budgetOverrun() -> Bool { Threads.budgetOverrun() }

@_cdecl("leaf_kernel_thread_start")
func threadStart() { Threads.start() }
