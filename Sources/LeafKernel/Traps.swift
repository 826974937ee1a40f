import CLeafKernel
@_spi(Kernel) import LeafCore

/// The trap policy. arch/traps.c asks whether an exception is a domain's fault; if so it resumes
/// the innermost continuation with CallGate.faulted, LeafCore tears the domain down, and the
/// caller's proxy returns RpcError.domainCrashed. Otherwise it is a kernel bug (panic).
enum Traps {
    struct Fault { var vector: UInt64 = 0; var domain: DomainID = .kernel; var rip: UInt64 = 0; var address: UInt64 = 0 }
    /// The last domain fault, for the self-test's report (written in the handler: no allocation).
    nonisolated(unsafe) static var last = Fault()
    nonisolated(unsafe) static var count = 0

    static func name(_ vector: UInt64) -> String {
        switch vector {
        case 0: "#DE"
        case 6: "#UD"
        case 13: "#GP"
        case 14: "#PF"
        default: "vector \(vector)"
        }
    }
}

@_cdecl("leaf_kernel_domain_faulted")
func domainFaulted(vector: UInt64, rip: UInt64, address: UInt64) -> Bool {
    guard Kernel.isBooted else { return false }
    let domain = Kernel.currentDomain
    guard domain != .kernel else { return false }
    Traps.last = Traps.Fault(vector: vector, domain: domain, rip: rip, address: address)
    Traps.count += 1
    // The code that faulted may have been in a preemptible section; what resumes is the caller.
    Threads.preemptible = false
    return true
}
