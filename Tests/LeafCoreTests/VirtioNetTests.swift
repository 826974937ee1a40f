@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Testing
import VirtioNetDomain

/// The virtio-net driver runs on QEMU's device (`make qemu-test`: ARP and ICMP echo with QEMU's
/// user network); there is no host model of it yet. Here: a driver handed no virtio-net
/// refuses every call with `noDevice`, and says why.
@Suite struct VirtioNetTests {
    @Test func withoutAVirtioNetEveryCallIsRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let bus = VirtualPCIBus()
            let address = PCIAddress(bus: 0, device: 3, function: 0)
            bus.attach(NVMeModel(sectors: 64), at: address)
            for (function, why) in [(nil, "not a virtio-net function"), (bus.function(at: address), "not a virtio-net function")] {
                let driver = VirtioNetDriver(function: function)
                #expect(driver.failure == why)
                let net = try NetDeviceProxy.spawn(name: "virtio-net") { driver }
                #expect(throws: RpcError.noDevice) { try net.address() }
                #expect(throws: RpcError.noDevice) { _ = try net.transmit(try RRefDeque()) }
            }
        }
    }
}
