import CLeafGate
import LeafCore

/// Running a domain's entry, without LeafCore's Kernel.run / start / restart.
///
/// Those three cannot be called from another Embedded Swift module today: `Kernel.run(in:)`
/// declares a function-local class (`Box`), and a client module that references run, start or
/// restart fails with "cannot specialize 'Box' because class definition is not available".
/// Until LeafCore moves `Box` to file scope (see the issue-4 report), the kernel runs entries
/// through the public call-gate steps, which is what `Kernel.run` does, and reaches LeafCore's
/// compiled `Kernel.restart` by its symbol (it is only ever called here with no entry
/// registered in LeafCore, so it never reaches `run`).
enum DomainEntry {
    /// Runs `body` inside `domain` as a call from the current domain; a trap crashes the domain.
    static func run(in domain: DomainID, _ body: @escaping () -> Void) throws(RpcError) {
        struct Args { let body: () -> Void }
        var args = Args(body: body)
        let frame = try CallGate.enter(domain)
        let returned = CallGate.invoke(frame, &args) { raw in
            // The kernel's first call (thread 0, depth 0) runs on LeafCore's first continuation;
            // every later entry checks that the layout Threads.resumeIfUnwound assumes holds.
            let depth = Kernel.frames(of: Kernel.runningThread).count
            if Threads.continuationBase == nil && Kernel.runningThread.raw == 0 && depth == 1 {
                Threads.continuationBase = leaf_get_innermost()
            } else {
                Threads.confirmLayout()
            }
            raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self).pointee.body()
        }
        guard returned else { throw .domainCrashed }
        CallGate.leave(frame)
    }

    /// LeafCore's Kernel.restart(_:), compiled in LeafCore.o.
    static func restart(_ domain: DomainID) throws(KernelError) { try leafCoreRestart(domain) }
}

// boot/kernel.mk defines leaf_core_restart as $e8LeafCore6KernelO7restartyyAA8DomainIDVAA0C5ErrorOYKFZ
// (a static method of an enum takes no self: the calling convention is that of this function).
@_silgen_name("leaf_core_restart")
func leafCoreRestart(_ domain: DomainID) throws(KernelError)
