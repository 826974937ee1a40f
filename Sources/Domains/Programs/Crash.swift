import LeafInterfaces

/// crash: faults as a bug would. `crash [trap|exception|hang|exit N]` faults this process: a
/// Swift trap (the default), a CPU exception (a write through the null page is out of reach of
/// safe code, so this one overflows its stack into the guard page), a loop without a system call
/// that only the timer interrupts and only `kill` ends, or an exit status out of nothing.
/// `crash DOMAIN [trap|exception]` arms the fault in the live domain named DOMAIN (rv6fs, nvme,
/// a driver; not a process, which `kill` ends, nor the Rv6 kernel and its process host, which
/// run every process): the next call into it takes it there, a `ud2` or a division by zero.
/// Whoever crashes, the parent's wait (or the domain's callers) hear of it, and everything the
/// domain held is reclaimed.
final class Crash: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        let kind = arguments.count > 1 ? arguments[1] : "trap"
        switch kind {
        case "trap":
            let numbers = [1, 2, 3]
            return Int32(numbers[numbers.count + Int(system.getpid() & 0)])
        case "exception":
            return Int32(truncatingIfNeeded: recurse(1))
        case "hang":
            while true {}
        case "exit":
            system.exit(arguments.count > 2 ? Int32(arguments[2]) ?? 1 : 1)
        default:
            return inject(into: kind, arguments.count > 2 ? arguments[2] : "trap")
        }
    }

    func inject(into domain: String, _ kind: String) -> Int32 {
        guard kind == "trap" || kind == "exception" else {
            complain("usage: crash [trap|exception|hang|exit N] | crash DOMAIN [trap|exception]")
            return 1
        }
        let error = system.injectFault(into: domain, kind == "trap" ? FaultRequest.trap : FaultRequest.exception)
        guard error == .none else {
            switch error {
            case .notSupported: complain("crash: \(domain) is a process, whose domain takes no calls: kill it")
            case .notPermitted: complain("crash: \(domain) runs every process (the Rv6 kernel or its process host): it is not faulted")
            default: complain("crash: \(domain): \(error)")
            }
            return 1
        }
        print("crash: the next call into \(domain) takes a \(kind == "trap" ? "trap" : "CPU exception")\n")
        return 0
    }

    /// Recursion with a frame the optimizer keeps: a stack overflow.
    func recurse(_ depth: Int) -> Int {
        // Unreachable bound (the stack is a few MiB): keeps the recursion from being infinite
        // in the compiler's eyes.
        if depth == Int.max { return depth }
        var frame: InlineArray<64, Int> = .init(repeating: depth)
        frame[depth % 64] = recurse(depth + 1)
        return frame[(depth + 1) % 64]
    }
}
