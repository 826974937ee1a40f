@_spi(Kernel) import LeafCore

/// What a platform gives processes: threads with stacks of their own, a clock and a console.
/// The bare-metal kernel implements it with its threads and COM1; host tests with host threads
/// that take turns and in-memory console buffers. LeafCore's scheduler decides who runs; the
/// platform switches stacks.
@_spi(Kernel) public protocol ThreadPlatform: AnyObject {
    /// A new ready thread, at home in the kernel domain, that runs `body` and then stops for good
    /// (`finished`), until `reap`. `body` runs a program in domain `program`: a platform that can
    /// preempts the thread while it runs that program's own code.
    func spawn(program: DomainID, _ body: @escaping () -> Void) throws(KernelError) -> ThreadID
    /// Blocks the running thread until `wake`: false (and returns at once) when no other thread
    /// is ready to run instead.
    func block() -> Bool
    func wake(_ thread: ThreadID)
    /// Lets the ready threads run before this one goes on: false when none was ready.
    func yield() -> Bool
    /// Waits a moment with nothing to run (for an interrupt, on a machine).
    func idle()
    func finished(_ thread: ThreadID) -> Bool
    /// Ends a finished thread and returns its stack.
    func reap(_ thread: ThreadID)
    var milliseconds: UInt64 { get }
    func writeConsole(_ bytes: [UInt8])
    /// What the console has received, up to `count` bytes, without waiting.
    func readConsole(upTo count: Int) -> [UInt8]
    func powerOff(_ status: Int32)
}
