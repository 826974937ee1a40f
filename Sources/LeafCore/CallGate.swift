internal import CLeafGate

/// The steps of a cross-domain call, in the order a proxy performs them:
///
///     let frame = try CallGate.enter(callee, incarnation: i)  // live, same incarnation? push a frame
///     try CallGate.lend(x.id, in: frame)          // each `borrowing` RRef argument
///     try CallGate.move(y.id, in: frame)          // each `consuming` RRef argument
///     guard CallGate.invoke(frame, &args, body) else { throw .domainCrashed }
///     CallGate.leave(frame)                       // pop, release borrows
///     try CallGate.moveBack(result.id, from: callee)  // each returned RRef
///
/// A call whose RRefs only move, at most one each way (most calls: a batch in, a batch back),
/// takes the same steps as one call into the kernel, `CallGate.call(callee, incarnation: i,
/// moving: y.id, &args, body)`, the body handing back its result's ID as its word.
///
/// `invoke` runs the body under a saved continuation; if the callee traps, the platform's trap
/// handler resumes it, the callee is torn down, and `invoke` returns false with the frame popped.
///
/// Calls open below a crash are not abandoned: each caller is told in turn (the spec's
/// DomainSpec.swift). In A→B→A with the inner A trapping, B's call into A returns
/// domainCrashed and B runs on; when B returns into the dead A, `invoke` does not return into
/// it but resumes the call below, into A, which returns domainCrashed to its own caller.
@_spi(Kernel) public enum CallGate {
    /// Refuses a callee that is not live or not the incarnation the caller's proxy was bound to
    /// (its export box went with that incarnation), the kernel domain (it exports nothing, and
    /// must never crash) and the running thread's home domain; then pushes a frame for a call
    /// from the current domain.
    @inline(__always)
    public static func enter(_ callee: DomainID, incarnation: UInt32) throws(RpcError) -> UnsafeMutablePointer<Frame> {
        let k = kernelState
        guard callee.raw != 0, Int(callee.raw) < k.pointee.domainsInUse,
              k.pointee.domains[Int(callee.raw)].state == .live,
              k.pointee.domains[Int(callee.raw)].incarnation == incarnation else { throw .domainUnavailable }
        let thread = k.pointee.currentThread
        guard callee != k.pointee.threads[Int(thread)].home else { throw .callIntoHomeDomain }
        let depth = k.pointee.threads[Int(thread)].depth
        guard depth < k.pointee.configuration.frameDepth else { throw .callDepthExceeded }
        let frame = k.pointee.frame(thread, depth)
        frame.pointee.caller = k.pointee.currentDomain
        frame.pointee.callee = callee
        frame.pointee.lentCount = 0
        k.pointee.threads[Int(thread)].depth = depth &+ 1
        // From here to `leave` the gate is kernel code: no domain's continuation is innermost,
        // so a trap in it is a kernel panic, not a crash of the calling domain.
        frame.pointee.outerContinuation = leaf_get_innermost()
        leaf_set_innermost(nil)
        return frame
    }

    /// Lends an object the caller may read to the callee for the duration of the call. Only a
    /// root is lent (an object owned outright, with what it holds): an element held in a
    /// container is not lent on its own (lend the container), so a loan pins exactly the
    /// object it names, which cannot be dropped, moved or changed under the borrower.
    @inline(__always)
    public static func lend(_ id: ObjectID, in frame: UnsafeMutablePointer<Frame>) throws(RpcError) {
        guard frame.pointee.lentCount < Frame.maximumLent else { throw .invalidArgument }
        let e: UnsafeMutablePointer<ObjectEntry>
        do { e = try SharedHeap.readable(id) } catch { throw .ownershipViolation }
        guard e.pointee.state == .owned else { throw .ownershipViolation }
        e.pointee.borrows += 1
        frame.pointee.lent[frame.pointee.lentCount] = id
        frame.pointee.lentCount += 1
    }

    /// Moves an object the caller owns to the callee.
    @inline(__always)
    public static func move(_ id: ObjectID, in frame: UnsafeMutablePointer<Frame>) throws(RpcError) {
        do { try SharedHeap.transfer(id, from: frame.pointee.caller, to: frame.pointee.callee) }
        catch { throw .ownershipViolation }
    }

    /// Moves a result the callee owns back to the caller (after `leave`), or refuses it.
    @inline(__always)
    public static func moveBack(_ id: ObjectID, from callee: DomainID) throws(RpcError) {
        do { try Kernel.asKernel { () throws(AccessError) in try SharedHeap.transfer(id, from: callee, to: kernelState.pointee.currentDomain) } }
        catch { throw .ownershipViolation }
    }

    /// Runs `body(&args)` in the callee. Returns true when it returned normally; false when the
    /// callee trapped, in which case the callee is torn down and the frame already popped.
    /// `body` captures nothing: everything it needs is in `args`, so no closure context is
    /// allocated or reference-counted. Inlined into each proxy, so that only the untyped
    /// `invoke` below is a call.
    @inlinable @inline(__always)
    public static func invoke<Args: ~Copyable>(
        _ frame: UnsafeMutablePointer<Frame>, _ args: inout Args,
        _ body: @convention(c) (UnsafeMutableRawPointer?) -> UInt64
    ) -> Bool {
        withUnsafeMutablePointer(to: &args) { invoke(frame, arguments: UnsafeMutableRawPointer($0), body) != nil }
    }

    /// `invoke` on the arguments' address: the word `body` returned, or nil when the callee
    /// trapped. Whatever the callee did to this thread's frames (an `enter` it never left),
    /// `leave` pops them with the frame.
    public static func invoke(
        _ frame: UnsafeMutablePointer<Frame>, arguments: UnsafeMutableRawPointer,
        _ body: @convention(c) (UnsafeMutableRawPointer?) -> UInt64
    ) -> UInt64? {
        run(frame, arguments, body)
    }

    @inline(__always)
    static func run(
        _ frame: UnsafeMutablePointer<Frame>, _ arguments: UnsafeMutableRawPointer,
        _ body: @convention(c) (UnsafeMutableRawPointer?) -> UInt64
    ) -> UInt64? {
        let k = kernelState
        k.pointee.currentDomain = frame.pointee.callee
        Kernel.transitionDone()
        // leaf_gate_run makes the continuation innermost once it is saved, and none once the
        // callee returns (back in the gate until `leave`).
        let outcome: leaf_gate_outcome
        let armed = k.pointee.domains[Int(frame.pointee.callee.raw)].armedFault
        if armed == .none {
            outcome = leaf_gate_run(frame.pointee.continuation, body, arguments)
        } else {
            k.pointee.domains[Int(frame.pointee.callee.raw)].armedFault = .none
            outcome = armed == .trap ? leaf_gate_run(frame.pointee.continuation, leaf_gate_injected_trap, nil)
                : leaf_gate_run(frame.pointee.continuation, leaf_gate_injected_exception, nil)
        }
        if outcome.code == 0 {
            let caller = frame.pointee.caller
            // The caller crashed during the call (on another thread, or re-entered and trapped).
            guard k.pointee.domains[Int(caller.raw)].state == .live else { Kernel.returnPastDeadCallers(frame) }
            k.pointee.currentDomain = caller
            return outcome.returned
        }
        if outcome.code == UInt64(CallGate.faulted) { Kernel.unwindFault(innermost: frame) }
        Kernel.transitionDone()
        return nil
    }

    /// `call` below on the arguments' address, inlined into each proxy.
    @inlinable @inline(__always)
    public static func call<Args: ~Copyable>(
        _ callee: DomainID, incarnation: UInt32, moving argument: ObjectID, _ args: inout Args,
        _ body: @convention(c) (UnsafeMutableRawPointer?) -> UInt64
    ) throws(RpcError) {
        try withUnsafeMutablePointer(to: &args) { (p) throws(RpcError) in
            try call(callee, incarnation: incarnation, moving: argument, arguments: UnsafeMutableRawPointer(p), body)
        }
    }

    /// A whole call whose RRefs cross only by moving, at most one each way, as one call into
    /// the kernel: `enter`; `move` of `argument` (`.none`: nothing moves in); `invoke`; `leave`;
    /// and `moveBack` of the object whose ID `body` returns as its word (`.none`: nothing comes
    /// back). The same steps a proxy of another shape takes one by one, in the same order, each
    /// the same transition. Throws what the step that refused throws; a result the callee does
    /// not own is left with it (`ownershipViolation`: the caller relinquishes its reference).
    public static func call(
        _ callee: DomainID, incarnation: UInt32, moving argument: ObjectID, arguments: UnsafeMutableRawPointer,
        _ body: @convention(c) (UnsafeMutableRawPointer?) -> UInt64
    ) throws(RpcError) {
        let frame = try enter(callee, incarnation: incarnation)
        if argument != .none {
            do throws(RpcError) { try move(argument, in: frame) } catch { leave(frame); throw error }
        }
        guard let word = run(frame, arguments, body) else { throw .domainCrashed }
        let result = ObjectID(word: word)
        Kernel.popFrames(thread: frame.pointee.thread, downTo: frame.pointee.depth)
        Kernel.transitionDone()
        // Still kernel code (no continuation innermost): moveBack needs no section of its own.
        var refused = false
        if result != .none {
            do { try SharedHeap.transfer(result, from: callee, to: kernelState.pointee.currentDomain); Kernel.transitionDone() }
            catch { refused = true }
        }
        restoreInnermost(frame)
        if refused { throw .ownershipViolation }
    }

    /// Pops the frame of a call that returned, releasing what it lent: from the thread the frame
    /// belongs to, whichever thread is running, and with any frame the callee left above it.
    @inline(__always)
    public static func leave(_ frame: UnsafeMutablePointer<Frame>) {
        Kernel.popFrames(thread: frame.pointee.thread, downTo: frame.pointee.depth)
        restoreInnermost(frame)
        Kernel.transitionDone()
    }

    /// The caller's continuation is innermost again (that of the frame's own thread).
    @inline(__always)
    static func restoreInnermost(_ frame: UnsafeMutablePointer<Frame>) {
        let k = kernelState
        if frame.pointee.thread == k.pointee.currentThread {
            leaf_set_innermost(frame.pointee.outerContinuation)
        } else {
            k.pointee.threads[Int(frame.pointee.thread)].innermost = frame.pointee.outerContinuation
        }
    }

    /// The code a trap handler resumes the innermost continuation with.
    public static let faulted: Int32 = 1
    /// The code the kernel resumes an outer continuation with after unwinding a fault to it.
    public static let unwound: Int32 = 2
}

extension Kernel {
    /// Runs kernel code that a domain called (its SDK operations) with no continuation
    /// innermost: a trap in it is a kernel panic with the runtime's message, never a crash of
    /// the calling domain with the tables half updated. Domain code must not run inside.
    @inline(__always)
    public static func asKernel<R: ~Copyable, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        let outer = leaf_get_innermost()
        leaf_set_innermost(nil)
        defer { leaf_set_innermost(outer) }
        if transitionObserver == nil { return try body() }
        // The debug kernel: the outermost section is a transition; a refused one changed nothing.
        sectionsOpen &+= 1
        let result: R
        do { result = try body() } catch { sectionsOpen &-= 1; throw error }
        sectionsOpen &-= 1
        transitionDone()
        return result
    }

    /// Pops `thread`'s frames until `depth` remain, releasing what each lent.
    @inline(__always)
    static func popFrames(thread: UInt16, downTo depth: Int) {
        let k = kernelState
        var d = k.pointee.threads[Int(thread)].depth
        while d > depth { d &-= 1; releaseLent(k.pointee.frame(thread, d)) }
        k.pointee.threads[Int(thread)].depth = depth
    }

    static func releaseLent(_ frame: UnsafeMutablePointer<Frame>) {
        for i in 0..<frame.pointee.lentCount {
            let id = frame.pointee.lent[i]
            // A lent object may have been reclaimed meanwhile (its owner crashed): nothing to release.
            let e = SharedHeap.entry(id.index)
            guard e.pointee.generation == id.generation && e.pointee.state != .free else { continue }
            e.pointee.borrows -= 1
        }
        frame.pointee.lentCount = 0
    }

    /// A domain called through `innermost` trapped. Tears it down; its caller's call returns
    /// (unwinding on past callers that are dead too), directly or by resuming that call's
    /// continuation.
    static func unwindFault(innermost: UnsafeMutablePointer<Frame>) {
        let k = kernelState
        let thread = k.pointee.currentThread
        // The teardown is kernel code: no continuation innermost, so that neither a trap in it
        // nor the timer (a call budget still spent) takes it for the dead domain's and starts
        // the teardown again half-way through.
        leaf_set_innermost(nil)
        crash(innermost.pointee.callee)
        let frame = unwindToLiveCaller(thread: thread, below: innermost.pointee.depth)
        if frame != innermost { leaf_gate_unwind_to(frame.pointee.continuation, CallGate.unwound) }
    }

    /// The call `frame` made returned, but its caller crashed meanwhile: it is not returned into.
    /// The call below it (into that dead caller) returns domainCrashed instead, and so on down
    /// to a live caller. Does not return.
    static func returnPastDeadCallers(_ frame: UnsafeMutablePointer<Frame>) -> Never {
        // A thread whose home died has exited and never runs again, so a frame below exists.
        precondition(frame.pointee.depth > 0, "a call returned into the dead home of \(ThreadID(frame.pointee.thread))")
        let resume = unwindToLiveCaller(thread: frame.pointee.thread, below: frame.pointee.depth)
        leaf_gate_unwind_to(resume.pointee.continuation, CallGate.unwound)
    }

    /// Pops the running thread's frames from `top` down while their callee is not live, and the
    /// frame at `top` itself; makes the lowest popped frame's caller current with its
    /// continuation innermost, and returns that frame (the call to return from).
    static func unwindToLiveCaller(thread: UInt16, below top: Int) -> UnsafeMutablePointer<Frame> {
        let k = kernelState
        let keep = liveDepth(thread: thread, below: top)
        popFrames(thread: thread, downTo: keep)
        let frame = k.pointee.frame(thread, keep)
        leaf_set_innermost(frame.pointee.outerContinuation)
        k.pointee.currentDomain = frame.pointee.caller
        return frame
    }

    /// The depth `thread` keeps of its first `top` frames when it unwinds past calls into
    /// domains that are not live: one above the highest whose callee is live, or 0.
    static func liveDepth(thread: UInt16, below top: Int) -> Int {
        let k = kernelState
        var keep = top
        while keep > 0 && k.pointee.domains[Int(k.pointee.frame(thread, keep - 1).pointee.callee.raw)].state != .live { keep -= 1 }
        return keep
    }

    /// Tears a domain down after a fault. Threads that are not running but run in it are
    /// unwound to their live caller: they resume that call with `domainCrashed` when next
    /// scheduled. Threads running elsewhere keep their frames (they unwind past the dead domain
    /// when their call returns into it). Threads whose home it was exit.
    static func crash(_ domain: DomainID) {
        let k = kernelState
        // Dead from here on, for liveDepth; the teardown below reclaims it.
        k.pointee.domains[Int(domain.raw)].state = .crashed
        for t in 0..<k.pointee.configuration.threadCapacity where UInt16(t) != k.pointee.currentThread {
            let state = k.pointee.threads[t].state
            guard state != .unused && state != .exited else { continue }
            if k.pointee.threads[t].home == domain {
                exitThread(UInt16(t))
                continue
            }
            let depth = k.pointee.threads[t].depth
            let keep = liveDepth(thread: UInt16(t), below: depth)
            guard keep < depth else { continue }
            popFrames(thread: UInt16(t), downTo: keep)
            // When it runs again it resumes that call, whose caller's continuation is then innermost.
            k.pointee.threads[t].pendingUnwind = keep
            k.pointee.threads[t].innermost = k.pointee.frame(UInt16(t), keep).pointee.outerContinuation
        }
        tearDown(domain, becoming: .crashed)
    }

    /// Runs `body` inside `domain` under a continuation, as a call from the current domain
    /// (a domain's entry, or kernel work done on its behalf). A trap crashes the domain.
    @_spi(Kernel) public static func run(in domain: DomainID, _ body: @escaping () -> Void) throws(RpcError) {
        let box = RunBody(body)
        var args = RunArguments(box: box)
        let frame = try CallGate.enter(domain, incarnation: kernelState.pointee.domains[Int(domain.raw)].incarnation)
        let returned = CallGate.invoke(frame, &args) { raw in
            raw.unsafelyUnwrapped.assumingMemoryBound(to: RunArguments.self).pointee.box.body()
            return ObjectID.none.word
        }
        guard returned else { throw .domainCrashed }
        CallGate.leave(frame)
        withExtendedLifetime(box) {}
    }

    /// Whether the thread now running was unwound while it was not (a domain it was calling
    /// into crashed on another thread). The platform's scheduler asks after every switch, and
    /// then calls `resumePendingUnwind`.
    public static var hasPendingUnwind: Bool {
        let k = kernelState
        return k.pointee.threads[Int(k.pointee.currentThread)].pendingUnwind >= 0
    }

    /// Resumes the call that was unwound with `CallGate.unwound` (its proxy then returns
    /// `domainCrashed`), and forgets it. Does not return.
    public static func resumePendingUnwind() -> Never {
        let k = kernelState
        let thread = k.pointee.currentThread
        let target = k.pointee.threads[Int(thread)].pendingUnwind
        precondition(target >= 0, "no pending unwind on \(ThreadID(thread))")
        k.pointee.threads[Int(thread)].pendingUnwind = -1
        leaf_gate_unwind_to(k.pointee.frame(thread, target).pointee.continuation, CallGate.unwound)
    }

    /// Frames on the thread's stack.
    @_spi(Kernel) public static func depth(of thread: ThreadID) -> Int { kernelState.pointee.threads[Int(thread.raw)].depth }
}

/// `Kernel.run(in:)`'s body and arguments, at file scope so that other Embedded modules can
/// specialize `run` (a function-local class has no definition visible to them).
final class RunBody {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

struct RunArguments { unowned(unsafe) let box: RunBody }
