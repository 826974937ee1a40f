@_spi(Kernel) import LeafCore
import LeafDevices

/// Why a domain of the manifest was not created.
public enum BootError: Error, Equatable, CustomStringConvertible {
    case notInManifest(String)
    case alreadyRunning(String)
    case kernel(KernelError)

    public var description: String {
        switch self {
        case .notInManifest(let name): "the manifest has no domain named \(name)"
        case .alreadyRunning(let name): "\(name) is already running"
        case .kernel(let error): "\(error)"
        }
    }
}

/// The domains a manifest made, with what each was handed, and those it left for later.
public final class BootGraph {
    public struct Booted {
        public let name: String
        public let domain: DomainID
        public let proxy: AnyObject
        public var functions: [PCIAddress] { handed.map { $0.address } }
        let handed: [PCIFunction]
    }
    public private(set) var booted: [Booted] = []
    let manifest: Manifest
    var free: [PCIFunction]
    /// What the boot did, a line each (the kernel prints them).
    public private(set) var log: [String] = []

    init(_ manifest: Manifest, functions: [PCIFunction]) {
        self.manifest = manifest
        self.free = functions
    }

    /// A driver's domain is going away (crashed or torn down): its devices stop mastering the
    /// bus, so that no DMA lands in its buffers once they are reclaimed and reused.
    func quiesce(_ domain: DomainID) {
        for b in booted where b.domain == domain {
            for f in b.handed { f.disable(.busMastering) }
        }
    }

    /// The proxy of domain `name`, if it is running.
    public func proxy<P: AnyObject>(_ type: P.Type, of name: String) -> P? {
        booted.first { $0.name == name }.flatMap { $0.proxy as? P }
    }

    public func domain(_ name: String) -> DomainID? { booted.first { $0.name == name }?.domain }

    /// Creates the entry named `name` now (one that does not start at boot, or again after
    /// its domain was torn down).
    @discardableResult
    public func start(_ name: String) throws(BootError) -> DomainID {
        guard let entry = manifest.entries.first(where: { $0.name == name }) else { throw .notInManifest(name) }
        guard domain(name) == nil else { throw .alreadyRunning(name) }
        do { return try create(entry) } catch { throw .kernel(error) }
    }

    /// Forgets domain `name` (after its teardown) and returns its functions to the pool.
    public func forget(_ name: String) {
        guard let i = booted.firstIndex(where: { $0.name == name }) else { return }
        free.append(contentsOf: booted[i].handed)
        booted.remove(at: i)
    }

    func create(_ entry: ManifestEntry) throws(KernelError) -> DomainID {
        var functions: [PCIFunction] = []
        var interfaces: [(name: String, proxy: AnyObject)] = []
        for grant in entry.grants {
            switch grant {
            case .pciFunction(let vendor, let device):
                if let i = free.firstIndex(where: { $0.vendorID == vendor && $0.deviceID == device }) { functions.append(free.remove(at: i)) }
            case .pciClass(let classCode, let subclass):
                if let i = free.firstIndex(where: { $0.classCode == classCode && $0.subclass == subclass }) { functions.append(free.remove(at: i)) }
            case .interface(let name):
                if let b = booted.first(where: { $0.name == name }) { interfaces.append((name, b.proxy)) }
            }
        }
        let made: (domain: DomainID, proxy: AnyObject)
        do { made = try entry.make(Handed(functions: functions, interfaces: interfaces)) } catch {
            free.append(contentsOf: functions)
            log.append("manifest: \(entry.name) not created: \(error)")
            throw error
        }
        booted.append(Booted(name: entry.name, domain: made.domain, proxy: made.proxy, handed: functions))
        var line = "manifest: \(entry.name) is \(made.domain)"
        for f in functions { line += "; handed \(f.address) \(f.ids)" }
        for i in interfaces { line += "; handed the interface of \(i.name)" }
        log.append(line)
        return made.domain
    }
}

public enum Boot {
    /// Creates, in order, every domain of `manifest` that starts at boot, handing each the
    /// functions and interfaces its grants name. A domain that cannot be created is logged and
    /// skipped (its functions stay unassigned); the others go on.
    public static func run(_ manifest: Manifest, functions: [PCIFunction]) -> BootGraph {
        let graph = BootGraph(manifest, functions: functions)
        Kernel.beforeTearDown = { graph.quiesce($0) }
        for entry in manifest.entries where entry.startsAtBoot {
            _ = try? graph.create(entry)
        }
        return graph
    }
}
