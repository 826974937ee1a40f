/// The domain SDK: everything a domain may name, and nothing of the kernel.
///
/// A domain module imports only this and LeafInterfaces. What it gets is LeafCore's plain public
/// surface: `RRef`, `RRefArray`, `RRefDeque`, the IDs (`DomainID`, `ObjectID`, `ThreadID`) and
/// the errors (`RpcError`, `AccessError`, `KernelError`, with the states they name). The call
/// gate, the tables, domain lifecycle, the scheduler, export boxes and the constructors that
/// adopt an object by its ID are `@_spi(Kernel)` in LeafCore: a plain import does not see them,
/// and the domain audit (`proxygen --audit-domain`) refuses `@_spi`, `@testable` and direct
/// imports of LeafCore, which would.
@_exported import LeafCore
/// And the device layer's safe surface: `PCIFunction` (a capability the kernel hands a driver),
/// `MMIOWindow`, `PortWindow`, `BAR`, `DeviceError`, `Fence`. Their constructors are SPI.
@_exported import LeafDevices
