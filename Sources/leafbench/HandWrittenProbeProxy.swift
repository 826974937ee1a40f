import LeafCore
import LeafInterfaces

/// The hand-written call gate in front of a `Probe` domain that the generated `ProbeProxy`
/// replaced, kept unchanged so `make bench` can show the generated one costs no more per call.
/// Every method: enter (callee live?), lend/move arguments, invoke under a continuation, leave,
/// move results back. The body of each call is a capture-free C function reading a struct of
/// arguments, so a call allocates nothing and retains nothing.
public final class HandWrittenProbeProxy: Probe {
    public let domain: DomainID
    /// The domain's implementation; the domain's export list keeps it alive while the domain is
    /// live, and only then may it be touched: every method reads it after `CallGate.enter`
    /// succeeded, never before (after a teardown it dangles until a restart rebinds it).
    public var target: Unmanaged<Export<any Probe>>

    public init(domain: DomainID, target: Unmanaged<Export<any Probe>>) {
        self.domain = domain
        self.target = target
    }

    public func ping() throws(RpcError) {
        struct Args { let target: Unmanaged<Export<any Probe>>; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        var args = Args(target: target)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { try e.implementation.ping() } catch { a.pointee.error = error }
            }
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
    }

    public func add(_ x: Int, _ y: Int) throws(RpcError) -> Int {
        struct Args { let target: Unmanaged<Export<any Probe>>; let x: Int; let y: Int; var result: Int = 0; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        var args = Args(target: target, x: x, y: y)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { a.pointee.result = try e.implementation.add(a.pointee.x, a.pointee.y) } catch { a.pointee.error = error }
            }
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
        return args.result
    }

    public func keep(_ value: consuming RRef<Int>) throws(RpcError) -> Int {
        struct Args: ~Copyable { let target: Unmanaged<Export<any Probe>>; var value: RRef<Int>?; var result: Int = 0; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        do throws(RpcError) { try CallGate.move(value.id, in: frame) } catch { CallGate.leave(frame); throw error }
        var args = Args(target: target, value: value)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { a.pointee.result = try e.implementation.keep(a.pointee.value.take()!) } catch { a.pointee.error = error }
            }
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
        return args.result
    }

    public func inspect(_ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        struct Args { let target: Unmanaged<Export<any Probe>>; let value: ObjectID; var result: Int = 0; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        do throws(RpcError) { try CallGate.lend(value.id, in: frame) } catch { CallGate.leave(frame); throw error }
        var args = Args(target: target, value: value.id)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            let lent = RRef<Int>(_adopting: a.pointee.value)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { a.pointee.result = try e.implementation.inspect(lent) } catch { a.pointee.error = error }
            }
            _ = lent._relinquish()
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
        return args.result
    }

    public func make(_ value: Int) throws(RpcError) -> RRef<Int> {
        struct Args: ~Copyable { let target: Unmanaged<Export<any Probe>>; let value: Int; var result: RRef<Int>? = nil; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        var args = Args(target: target, value: value)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { a.pointee.result = try e.implementation.make(a.pointee.value) } catch { a.pointee.error = error }
            }
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
        let result = args.result.take()!
        try CallGate.moveBack(result.id, from: domain)
        return result
    }

    public func exchange(_ value: consuming RRef<Int>) throws(RpcError) -> RRef<Int> {
        struct Args: ~Copyable { let target: Unmanaged<Export<any Probe>>; var value: RRef<Int>?; var result: RRef<Int>? = nil; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        do throws(RpcError) { try CallGate.move(value.id, in: frame) } catch { CallGate.leave(frame); throw error }
        var args = Args(target: target, value: value)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { a.pointee.result = try e.implementation.exchange(a.pointee.value.take()!) } catch { a.pointee.error = error }
            }
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
        let result = args.result.take()!
        try CallGate.moveBack(result.id, from: domain)
        return result
    }

    public func batch(_ values: consuming RRefDeque<Int, 32>) throws(RpcError) -> RRefDeque<Int, 32> {
        struct Args: ~Copyable { let target: Unmanaged<Export<any Probe>>; var values: RRefDeque<Int, 32>?; var result: RRefDeque<Int, 32>? = nil; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        do throws(RpcError) { try CallGate.move(values.id, in: frame) } catch { CallGate.leave(frame); throw error }
        var args = Args(target: target, values: values)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { a.pointee.result = try e.implementation.batch(a.pointee.values.take()!) } catch { a.pointee.error = error }
            }
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
        let result = args.result.take()!
        try CallGate.moveBack(result.id, from: domain)
        return result
    }

    public func relay(_ route: Route, _ hop: Int, _ value: borrowing RRef<Int>) throws(RpcError) -> Int {
        struct Args { let target: Unmanaged<Export<any Probe>>; let route: Route; let hop: Int; let value: ObjectID; var result: Int = 0; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        do throws(RpcError) { try CallGate.lend(value.id, in: frame) } catch { CallGate.leave(frame); throw error }
        var args = Args(target: target, route: route, hop: hop, value: value.id)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            let lent = RRef<Int>(_adopting: a.pointee.value)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { a.pointee.result = try e.implementation.relay(a.pointee.route, a.pointee.hop, lent) } catch { a.pointee.error = error }
            }
            _ = lent._relinquish()
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
        return args.result
    }

    public func trap(_ kind: TrapKind) throws(RpcError) {
        struct Args { let target: Unmanaged<Export<any Probe>>; let kind: TrapKind; var error: RpcError? = nil }
        let frame = try CallGate.enter(domain)
        var args = Args(target: target, kind: kind)
        guard CallGate.invoke(frame, &args, { raw in
            let a = raw.unsafelyUnwrapped.assumingMemoryBound(to: Args.self)
            a.pointee.target._withUnsafeGuaranteedRef { e in
                do throws(RpcError) { try e.implementation.trap(a.pointee.kind) } catch { a.pointee.error = error }
            }
        }) else { throw .domainCrashed }
        CallGate.leave(frame)
        if let error = args.error { throw error }
    }
}
