import DeviceProbeDomain
import EduDomain
import NVMeDomain
import NullnetDomain
import Rv6FSDomain
import VirtioNetDomain
import LeafBoot
@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies

/// The domains the kernel creates at boot, in order, and what each is handed.
enum KernelManifest {
    static let standard = Manifest([
        // QEMU's teaching device and its driver.
        ManifestEntry("edu", grants: [.pciFunction(vendor: 0x1234, device: 0x11e8)]) { handed throws(KernelError) in
            let p = try EduDeviceProxy.spawn(name: "edu") { EduDriver(function: handed.functions.first) }
            return (p.domain, p)
        },
        // The NVMe controller and its driver (SelfTest.nvme).
        ManifestEntry("nvme", grants: [.pciClass(0x01, subclass: 0x08)]) { handed throws(KernelError) in
            let p = try BlockDeviceProxy.spawn(name: "nvme") { NVMeDriver(function: handed.functions.first) }
            return (p.domain, p)
        },
        // Rv6's disk: the second NVMe controller (the image `swift run mkfs` made of rv6/), its own
        // driver, and the file system over it (SelfTest.rv6fs).
        ManifestEntry("rv6-disk", grants: [.pciClass(0x01, subclass: 0x08)]) { handed throws(KernelError) in
            let p = try BlockDeviceProxy.spawn(name: "rv6-disk") { NVMeDriver(function: handed.functions.first) }
            return (p.domain, p)
        },
        ManifestEntry("rv6fs", grants: [.interface(of: "rv6-disk")]) { handed throws(KernelError) in
            // No disk domain (no second controller): there is no domain to give it.
            guard let disk = handed.interface(BlockDeviceProxy.self, of: "rv6-disk") else { throw .noSuchDomain(.kernel) }
            // A 16-slot cache: the kernel's object table is small (see Main.swift).
            let p = try FileSystemProxy.spawn(name: "rv6fs") { Rv6FS(device: disk, cacheSlots: 16) }
            return (p.domain, p)
        },
        // Register probes: what a domain reaches through the function it is handed, and without one.
        ManifestEntry("virtio-probe", grants: [.pciFunction(vendor: 0x1af4, device: 0x1000)]) { handed throws(KernelError) in
            let p = try DeviceProbeProxy.spawn(name: "virtio-probe") { DeviceProbeDomain(function: handed.functions.first) }
            return (p.domain, p)
        },
        ManifestEntry("no-device") { _ throws(KernelError) in
            let p = try DeviceProbeProxy.spawn(name: "no-device") { DeviceProbeDomain(function: nil) }
            return (p.domain, p)
        },
        // QEMU's modern virtio-net on user networking, and its driver (SelfTest.virtioNet).
        ManifestEntry("virtio-net", grants: [.pciFunction(vendor: 0x1af4, device: 0x1041)]) { handed throws(KernelError) in
            let p = try NetDeviceProxy.spawn(name: "virtio-net") { VirtioNetDriver(function: handed.functions.first) }
            return (p.domain, p)
        },
        // A network device with nothing behind it (SelfTest.nullnet).
        ManifestEntry("nullnet") { _ throws(KernelError) in
            let p = try NetDeviceProxy.spawn(name: "nullnet") { Nullnet() }
            return (p.domain, p)
        },
    ])
}
