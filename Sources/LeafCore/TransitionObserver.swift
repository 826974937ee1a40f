internal import CLeafGate

/// The debug kernel's hook (LeafKernel's monitor, booted with `leaf.monitor=every`): when set,
/// LeafCore calls it after every transition the specification names, once the tables are
/// consistent again, so that the monitor can check the invariants between any two steps.
///
/// Where it is called: at the end of the outermost kernel section (`asKernel`: the shared
/// heap's operations, moves back, requested crashes), once a call has entered its callee and
/// once it has returned (`CallGate.invoke` and `leave`, or the same places in `CallGate.call`,
/// which also observes its move back: the steps in between, the frame pushed and the arguments
/// lent or moved, are one transition of the spec's), and after each scheduler
/// and domain operation. Never inside the private-heap allocator, whose own state may be half
/// updated when it takes or gives back a page (its page transitions are seen at the next
/// observation), never inside `inKernelHeap` (the kernel is current there, not the domain the
/// spec names: what it does is seen at the next observation), and never inside the observer.
/// The observer runs as kernel code: no domain's continuation innermost, so a trap in it is a
/// kernel panic, never a crash charged to the domain that happens to be running.
extension Kernel {
    @_spi(Kernel) nonisolated(unsafe) public static var transitionObserver: (@convention(c) () -> Void)? = nil

    /// Kernel sections open (counted only while an observer is set) and sections that must not
    /// be observed (the allocator's, the observer's own).
    nonisolated(unsafe) static var sectionsOpen = 0

    /// A transition has just completed.
    @inline(__always)
    static func transitionDone() {
        guard let observe = transitionObserver, sectionsOpen == 0 else { return }
        sectionsOpen = 1
        let outer = leaf_get_innermost()
        leaf_set_innermost(nil)
        observe()
        leaf_set_innermost(outer)
        sectionsOpen = 0
    }

    /// Runs `body` as one kernel section that is observed, if at all, only as part of the
    /// section around it (the allocator's).
    @inline(__always)
    static func unobserved<R>(_ body: () -> R) -> R {
        sectionsOpen &+= 1
        defer { sectionsOpen &-= 1 }
        return body()
    }
}
