// swift-tools-version: 6.1
import PackageDescription

// The kernel core (and the code that runs it) is unwound by continuations when a domain traps
// and takes no part in exclusivity checking at run time; static exclusivity checking is
// unaffected.
let domainCode: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"])]

// Domains are isolated by language safety alone: strict memory safety is an error in them (the
// domain audit, `proxygen --audit-domain`, refuses what the compiler lets through).
// Nor do they get reflection (Mirror would reach the implementation behind a proxy) or the
// implicit concurrency module (tasks would run domain code outside the gate).
// Domains keep dynamic exclusivity checks (an overlapping access is a trap, so a crash of the
// domain, never a use of freed memory): the call gate drops the records of the frames a trap
// abandons (CLeafGate, leaf_gate_drop_accesses).
let domainModule: [SwiftSetting] = [.unsafeFlags([
    "-enforce-exclusivity=checked",
    "-strict-memory-safety", "-Werror", "StrictMemorySafety",
    "-Xfrontend", "-disable-reflection-metadata", "-Xfrontend", "-disable-implicit-concurrency-module-import",
])]

let package = Package(
    name: "SwiftLeaf",
    products: [
        .library(name: "LeafCore", targets: ["LeafCore"]),
        .executable(name: "verify", targets: ["verify"]),
        .executable(name: "proxygen", targets: ["proxygen"]),
        .executable(name: "leafbench", targets: ["leafbench"]),
        .executable(name: "mkfs", targets: ["mkfs"]),
        .executable(name: "fsck", targets: ["fsck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swiftlang/swift-syntax.git", from: "602.0.0"),
    ],
    targets: [
        // The portable core: builds for the host and, with Embedded Swift, for the kernel image.
        .target(name: "CLeafGate"),
        .target(name: "LeafCore", dependencies: ["CLeafGate"], swiftSettings: domainCode),
        // The device layer: PCI functions as capabilities, MMIO and port windows, fences.
        .target(name: "CLeafDevices"),
        .target(name: "LeafDevices", dependencies: ["LeafCore", "CLeafDevices"], swiftSettings: domainCode),
        // What domains may import: the SDK (RRef, containers, errors, the device layer's safe
        // types) and the interfaces.
        .target(name: "LeafSDK", dependencies: ["LeafCore", "LeafDevices"], swiftSettings: domainCode),
        .target(name: "LeafInterfaces", dependencies: ["LeafSDK"], swiftSettings: domainCode),
        // No stack protector in the proxies: their one stack buffer is the call's argument record,
        // which only the generated body touches, and the canary cost 3 cycles a crossing.
        .target(name: "LeafProxies", dependencies: ["LeafCore", "LeafInterfaces"],
                swiftSettings: domainCode + [.unsafeFlags(["-Xfrontend", "-disable-stack-protector"])]),
        // The boot manifest: which domains a system creates, in order, with what.
        .target(name: "LeafBoot", dependencies: ["LeafCore", "LeafDevices"], swiftSettings: domainCode),

        // Domains: one module each, importing only the SDK and the interfaces.
        .target(name: "ProbeDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/Probe",
                swiftSettings: domainModule),
        .target(name: "EduDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/Edu",
                swiftSettings: domainModule),
        .target(name: "NVMeDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/NVMe",
                swiftSettings: domainModule),
        .target(name: "IxgbeDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/Ixgbe",
                swiftSettings: domainModule),
        .target(name: "VirtioNetDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/VirtioNet",
                swiftSettings: domainModule),
        .target(name: "NullnetDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/Nullnet",
                swiftSettings: domainModule),
        .target(name: "DeviceProbeDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/DeviceProbe",
                swiftSettings: domainModule),
        .target(name: "RamDiskDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/RamDisk",
                swiftSettings: domainModule),
        .target(name: "Rv6FSDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/Rv6FS",
                swiftSettings: domainModule),
        .target(name: "Rv6KernelDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/Rv6Kernel",
                swiftSettings: domainModule),
        .target(name: "ProgramsDomain", dependencies: ["LeafSDK", "LeafInterfaces"], path: "Sources/Domains/Programs",
                swiftSettings: domainModule),
        // Rv6's trusted half: program domains and their threads, over a platform's threads.
        .target(name: "LeafProcesses", dependencies: ["LeafCore", "LeafInterfaces", "LeafProxies"], swiftSettings: domainCode),

        // Host back-end of the device layer: a virtual PCI bus and behavioural device models.
        .target(name: "DeviceModels", dependencies: ["LeafCore", "LeafDevices"], swiftSettings: domainCode),

        // The host platform: trap capture by signals, host pages, cycle counter.
        .target(name: "CLeafHost", dependencies: ["CLeafGate"]),
        .target(name: "LeafHost", dependencies: ["LeafCore", "CLeafGate", "CLeafHost"], swiftSettings: domainCode),

        // Specifications (executable state machines) and their proofs.
        .target(name: "Specs", path: "Specs"),
        .systemLibrary(name: "CZ3", pkgConfig: "z3", providers: [.apt(["libz3-dev"])]),
        .executableTarget(
            name: "verify",
            dependencies: ["Specs", "CZ3", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Proofs"),

        // The proxy generator and interface auditor.
        .executableTarget(
            name: "proxygen",
            dependencies: [
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
            ]),

        // Rv6's disk-image tools: the checker (a library, so the tests run it too) and the
        // commands. mkfs formats and fills an image through the file-system domain itself.
        .target(name: "FSCheck", dependencies: ["LeafInterfaces"]),
        .executableTarget(name: "fsck", dependencies: ["FSCheck"]),
        .executableTarget(name: "mkfs", dependencies: ["FSCheck", "Rv6FSDomain", "RamDiskDomain", "LeafCore", "LeafHost", "LeafInterfaces", "LeafProxies"],
                          exclude: ["rv6-tools.mk"],
                          swiftSettings: domainCode),

        // Benchmarks: cycles per call, with allocation and retain/release counting.
        .target(name: "CAllocCounter"),
        .executableTarget(
            name: "leafbench",
            dependencies: ["LeafCore", "LeafHost", "LeafInterfaces", "LeafProxies", "CAllocCounter", "CLeafHost",
                           "NVMeDomain", "NullnetDomain", "IxgbeDomain", "DeviceModels", "LeafDevices", "Rv6FSDomain", "RamDiskDomain"],
            swiftSettings: domainCode),

        // The abstraction function from LeafCore's tables to the specification's state: used by
        // the refinement tests and by the kernel's runtime invariant monitor.
        .target(name: "LeafAbstraction", dependencies: ["LeafCore", "Specs"], swiftSettings: domainCode),

        .testTarget(
            name: "SpecsTests",
            dependencies: [
                "ProbeDomain",
                "Specs", "LeafAbstraction", "LeafCore", "LeafHost", "LeafInterfaces", "LeafProxies",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: domainCode),
        .testTarget(
            name: "ProxygenTests",
            dependencies: [
                "ProbeDomain",
                "proxygen", "LeafCore", "LeafHost", "LeafInterfaces", "LeafProxies",
                .product(name: "SwiftSyntax", package: "swift-syntax"),
                .product(name: "SwiftParser", package: "swift-syntax"),
            ],
            // Interface files and golden outputs the tests read by path; not compiled.
            exclude: ["Fixtures"],
            swiftSettings: domainCode),
        .testTarget(
            name: "Rv6Tests",
            dependencies: [
                "Rv6FSDomain", "RamDiskDomain", "NVMeDomain", "DeviceModels", "LeafDevices", "FSCheck", "LeafCore", "LeafHost", "LeafInterfaces", "LeafProxies",
                "Rv6KernelDomain", "ProgramsDomain", "LeafProcesses",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=checked"])]),
        .testTarget(
            name: "LeafCoreTests",
            dependencies: [
                "ProbeDomain", "EduDomain", "DeviceProbeDomain", "NVMeDomain", "NullnetDomain", "VirtioNetDomain", "IxgbeDomain", "DeviceModels", "LeafBoot",
                "LeafCore", "LeafHost", "LeafInterfaces", "LeafProxies",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ],
            // Checked at run time like domain code (the test doubles run as domains; the tests
            // hold accesses of their own across calls that trap).
            swiftSettings: [.unsafeFlags(["-enforce-exclusivity=checked"])]),
    ]
)
