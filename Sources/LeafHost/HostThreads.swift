import Glibc
@_spi(Kernel) import LeafCore

/// Kernel threads on the host: each a host thread, taking turns so that exactly one runs at a
/// time, as on the machine's one CPU. LeafCore's scheduler decides who runs (yield, block,
/// wake); a switch hands the turn to the chosen thread's semaphore and waits on its own. Each
/// host thread keeps its own innermost continuation, trap stack and exclusivity records.
@_spi(Kernel) public final class HostThreads {
    final class Turn {
        var semaphore = sem_t()
        var body: (() -> Void)?
        var finished = false
        /// Reaped: the host thread is to return instead of running on.
        var released = false
        init(_ body: (() -> Void)?) {
            self.body = body
            sem_init(&semaphore, 0, 0)
        }
        deinit { sem_destroy(&semaphore) }
        func wait() { while sem_wait(&semaphore) != 0 {} }
        func post() { sem_post(&semaphore) }
    }

    var turns: [UInt16: Turn] = [:]

    public init() {}

    func turn(_ t: ThreadID) -> Turn {
        if let turn = turns[t.raw] { return turn }
        let turn = Turn(nil)
        turns[t.raw] = turn
        return turn
    }

    /// A new ready kernel thread at home in the kernel domain running `body`; when `body`
    /// returns it blocks for good (`finished`) until `reap`.
    public func spawn(_ body: @escaping () -> Void) throws(KernelError) -> ThreadID {
        let t = try Kernel.spawnThread(home: .kernel)
        let turn = Turn(body)
        turns[t.raw] = turn
        let context = Unmanaged.passRetained(Start(threads: self, thread: t, turn: turn)).toOpaque()
        var handle = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setstacksize(&attributes, 8 << 20)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let created = pthread_create(&handle, &attributes, { raw in
            let start = Unmanaged<Start>.fromOpaque(raw!).takeRetainedValue()
            start.threads.run(start.thread, start.turn)
            return nil
        }, context)
        pthread_attr_destroy(&attributes)
        precondition(created == 0, "cannot create a host thread: \(created)")
        return t
    }

    final class Start {
        let threads: HostThreads
        let thread: ThreadID
        let turn: Turn
        init(threads: HostThreads, thread: ThreadID, turn: Turn) {
            self.threads = threads
            self.thread = thread
            self.turn = turn
        }
    }

    func run(_ t: ThreadID, _ turn: Turn) {
        HostPlatform.prepareThread()
        turn.wait()
        if turn.released { return }
        resumed()
        turn.body?()
        turn.finished = true
        while true {
            do {
                let next = try Kernel.block()
                hand(from: t, to: next)
            } catch {
                // Nothing else is ready: the turn goes back to whoever wakes or reaps this one.
                usleep(100)
            }
            if turn.released { return }
        }
    }

    /// Back on the CPU: this host thread's continuation, and an unwind another thread's crash
    /// left pending.
    func resumed() {
        Kernel.adoptInnermostOfRunningThread()
        if Kernel.hasPendingUnwind { Kernel.resumePendingUnwind() }
    }

    /// After LeafCore moved the CPU from `old` to `new`: wakes `new`'s host thread and waits
    /// for the turn to come back to `old`.
    func hand(from old: ThreadID, to new: ThreadID) {
        guard old != new else { return }
        let mine = turn(old)
        turn(new).post()
        mine.wait()
        if mine.released { return }
        resumed()
    }

    public func block() -> Bool {
        let old = Kernel.runningThread
        do {
            let new = try Kernel.block()
            hand(from: old, to: new)
            return true
        } catch {
            return false
        }
    }

    public func yield() -> Bool {
        guard !Kernel.runQueue.isEmpty else { return false }
        let old = Kernel.runningThread
        hand(from: old, to: Kernel.yield())
        return true
    }

    public func wake(_ thread: ThreadID) {
        do throws(KernelError) { try Kernel.wake(thread) } catch {}
    }

    public func finished(_ thread: ThreadID) -> Bool { turns[thread.raw]?.finished ?? true }

    /// Ends a finished thread: LeafCore forgets it and its host thread returns.
    public func reap(_ thread: ThreadID) {
        guard let turn = turns[thread.raw], turn.finished else { return }
        if Kernel.state(of: thread) != .exited { do throws(KernelError) { try Kernel.exit(thread) } catch {} }
        turns[thread.raw] = nil
        turn.released = true
        turn.post()
    }
}
