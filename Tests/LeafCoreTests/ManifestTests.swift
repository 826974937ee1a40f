@_spi(Kernel) import DeviceModels
import DeviceProbeDomain
import EduDomain
import LeafBoot
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing

/// The boot manifest on the host: the same type the kernel boots from, over the virtual bus.
@Suite struct ManifestTests {
    static let eduAddress = PCIAddress(bus: 0, device: 2, function: 0)

    func functions() -> [PCIFunction] {
        let bus = VirtualPCIBus()
        bus.attach(EduModel(latency: 2), at: Self.eduAddress)
        return bus.addresses.compactMap { bus.function(at: $0) }
    }

    /// Records what the "client" entry was handed.
    final class Seen { var eduInterface: EduDeviceProxy? = nil }

    func manifest(_ seen: Seen) -> Manifest {
        Manifest([
            ManifestEntry("edu", grants: [.pciFunction(vendor: 0x1234, device: 0x11e8)]) { handed throws(KernelError) in
                let p = try EduDeviceProxy.spawn(name: "edu") { EduDriver(function: handed.functions.first) }
                return (p.domain, p)
            },
            // A second driver for the same device: the function went to the first.
            ManifestEntry("edu-again", grants: [.pciFunction(vendor: 0x1234, device: 0x11e8)]) { handed throws(KernelError) in
                let p = try EduDeviceProxy.spawn(name: "edu-again") { EduDriver(function: handed.functions.first) }
                return (p.domain, p)
            },
            ManifestEntry("client", grants: [.interface(of: "edu")]) { handed throws(KernelError) in
                seen.eduInterface = handed.interface(EduDeviceProxy.self, of: "edu")
                let p = try DeviceProbeProxy.spawn(name: "client") { DeviceProbeDomain(function: handed.functions.first) }
                return (p.domain, p)
            },
            ManifestEntry("broken") { _ throws(KernelError) in throw .tooManyDomains },
            ManifestEntry("later", startsAtBoot: false) { _ throws(KernelError) in
                let p = try DeviceProbeProxy.spawn(name: "later") { DeviceProbeDomain(function: nil) }
                return (p.domain, p)
            },
        ])
    }

    @Test func theManifestCreatesItsDomainsInOrderWithWhatEachIsHanded() throws {
        _ = try HostPlatform.withKernel { _ in
            let seen = Seen()
            let functions = functions()
            let graph = Boot.run(manifest(seen), functions: functions)
            #expect(graph.booted.map(\.name) == ["edu", "edu-again", "client"])
            #expect(graph.booted[0].functions == [Self.eduAddress])
            #expect(graph.booted[1].functions.isEmpty)                      // each function goes to one domain
            #expect(try graph.proxy(EduDeviceProxy.self, of: "edu")?.factorial(6) == 720)
            #expect(throws: RpcError.noDevice) { try graph.proxy(EduDeviceProxy.self, of: "edu-again")?.factorial(6) }
            #expect(seen.eduInterface === graph.proxy(EduDeviceProxy.self, of: "edu"))
            #expect(try seen.eduInterface?.factorial(4) == 24)             // the client can call what it was handed
            #expect(graph.log.contains { $0.hasPrefix("manifest: broken not created") })
            #expect(graph.domain("later") == nil)
            let later = try graph.start("later")
            #expect(Kernel.state(of: later) == .live)
            #expect(throws: BootError.alreadyRunning("later")) { try graph.start("later") }
            #expect(throws: BootError.notInManifest("nobody")) { try graph.start("nobody") }
            // A driver torn down and started again gets its function back.
            let edu = try #require(graph.domain("edu"))
            let eduFunction = try #require(functions.first)
            #expect(eduFunction.command.contains(.busMastering))           // the driver turned it on
            try Kernel.tearDown(edu)
            #expect(!eduFunction.command.contains(.busMastering))          // its teardown stopped the device's DMA
            graph.forget("edu")
            try graph.start("edu")
            #expect(graph.booted.last?.functions == [Self.eduAddress])
            #expect(try graph.proxy(EduDeviceProxy.self, of: "edu")?.factorial(5) == 120)
        }
    }
}
