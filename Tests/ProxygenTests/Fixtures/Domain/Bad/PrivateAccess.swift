// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:1: error: '@testable' reaches declarations a module did not make public [private-access]
// expect: 7:1: error: '@_spi(Kernel)' reaches declarations a module did not make public [private-access]
// expect: 8:1: error: '@_implementationOnly' reaches declarations a module did not make public [private-access]
// expect: 11:1: error: '@_spi(Debug)' reaches declarations a module did not make public [private-access]
@testable import LeafSDK
@_spi(Kernel) import LeafInterfaces
@_implementationOnly import LeafSDK

/// Publishing a system interface from a domain.
@_spi(Debug) public func dumpState() {}
