@_spi(Kernel) import LeafCore
import LeafDevices

/// What a domain is handed when the manifest creates it.
public enum Grant: Sendable {
    /// The first function on the bus with these IDs that no earlier domain was handed.
    case pciFunction(vendor: UInt16, device: UInt16)
    /// The first function of this class and subclass that no earlier domain was handed.
    case pciClass(UInt8, subclass: UInt8)
    /// The exported interface (its proxy) of a domain earlier in the manifest.
    case interface(of: String)
}

/// What a domain's entry receives: the functions and interfaces its grants resolved to, in
/// the order the grants were listed (a grant that found nothing is absent).
public struct Handed {
    public let functions: [PCIFunction]
    let interfaces: [(name: String, proxy: AnyObject)]

    /// The interface granted from domain `name`, as the proxy type the caller expects.
    public func interface<P: AnyObject>(_ type: P.Type, of name: String) -> P? {
        interfaces.first { $0.name == name }.flatMap { $0.proxy as? P }
    }
}

/// One domain of the manifest: its name, what it is handed, whether it starts at boot, and how
/// it is made (the generated proxy's `spawn`, which creates the domain and runs its entry).
public struct ManifestEntry {
    public let name: String
    public let grants: [Grant]
    public let startsAtBoot: Bool
    let make: (Handed) throws(KernelError) -> (domain: DomainID, proxy: AnyObject)

    public init(_ name: String, grants: [Grant] = [], startsAtBoot: Bool = true,
                make: @escaping (Handed) throws(KernelError) -> (domain: DomainID, proxy: AnyObject)) {
        self.name = name
        self.grants = grants
        self.startsAtBoot = startsAtBoot
        self.make = make
    }
}

/// The domains a system is made of, in the order they are created: later ones may be handed the
/// interfaces of earlier ones, and each PCI function goes to at most one domain.
public struct Manifest {
    public let entries: [ManifestEntry]
    public init(_ entries: [ManifestEntry]) { self.entries = entries }
}
