/// virtio 1.2 over PCI (§4.1): the structures a modern (or transitional) device describes with
/// vendor capabilities (§4.1.4), and the bits the driver uses. DEVICE-FACTS §2 for QEMU 7.2.

/// Capability `cfg_type` (§4.1.4).
enum StructureType {
    static let common: UInt8 = 1
    static let notify: UInt8 = 2
    static let device: UInt8 = 4
}

/// The common configuration structure (§4.1.4.3), offsets within it.
enum Common {
    static let deviceFeatureSelect = 0x00
    static let deviceFeature = 0x04
    static let driverFeatureSelect = 0x08
    static let driverFeature = 0x0c
    static let deviceStatus = 0x14
    static let configGeneration = 0x15
    static let queueSelect = 0x16
    static let queueSize = 0x18
    static let queueEnable = 0x1c
    static let queueNotifyOffset = 0x1e
    static let queueDescriptors = 0x20
    static let queueDriver = 0x28
    static let queueDevice = 0x30
}

/// Device status bits (§2.1).
enum Status {
    static let acknowledge: UInt8 = 1
    static let driver: UInt8 = 2
    static let driverOK: UInt8 = 4
    static let featuresOK: UInt8 = 8
    static let needsReset: UInt8 = 0x40
    static let failed: UInt8 = 0x80
}

/// Feature bits (§5.1.3, §6): what this driver implements, and nothing else.
enum Feature {
    static let mac: UInt64 = 0x20                   // bit 5
    static let status: UInt64 = 0x1_0000            // bit 16
    static let version1: UInt64 = 0x1_0000_0000     // bit 32
}

/// virtio-net's device configuration (§5.1.4): the MAC, then the link status (with STATUS).
enum NetConfig {
    static let mac = 0
    static let status = 6
    static let linkUp: UInt16 = 1
}

/// The virtio-net header in front of every frame (§5.1.6): 12 bytes with VERSION_1, all zero
/// for a frame sent with no offload.
let netHeaderSize = 12

/// Descriptor flags (§2.7.5) and the driver area's flag (§2.7.6).
enum Descriptor {
    static let next: UInt16 = 1
    static let write: UInt16 = 2
}
let availableNoInterrupt: UInt16 = 1

/// Queue indices of virtio-net without multiqueue (§5.1.2).
let receiveQueue = 0
let transmitQueue = 1
