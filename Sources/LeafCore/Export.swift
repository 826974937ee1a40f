/// A domain's implementation of an interface, as its proxies reach it.
///
/// The domain's export list owns the box; a proxy keeps it `Unmanaged` and calls through
/// `_withUnsafeGuaranteedRef`, and the implementation is a `let`, so a cross-domain call does
/// no reference counting at all (loading an `unowned(unsafe)` existential instead costs a
/// retain and a release per call, two atomic operations). The box is valid while the domain is
/// live; a proxy touches it only after `CallGate.enter` has checked that.
@_spi(Kernel) public final class Export<Interface> {
    public let implementation: Interface
    public init(_ implementation: Interface) { self.implementation = implementation }
}

extension Kernel {
    /// Boxes `implementation` for proxies and keeps the box alive while the domain is live.
    @_spi(Kernel) public static func export<Interface>(interface implementation: Interface, from domain: DomainID) -> Unmanaged<Export<Interface>> {
        let box = Export(implementation)
        export(box, from: domain)
        return Unmanaged.passUnretained(box)
    }
}
