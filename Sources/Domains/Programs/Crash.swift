import LeafInterfaces

/// crash: makes this process fault, as a bug would: a Swift trap (`trap`, the default), a
/// CPU exception (`exception`: a write through the null page is out of reach of safe code, so
/// this one overflows its stack into the guard page) or an exit status out of nothing (`exit N`).
/// Its parent's wait reports the crash; everything the domain held is reclaimed.
final class Crash: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        let kind = arguments.count > 1 ? arguments[1] : "trap"
        switch kind {
        case "trap":
            let numbers = [1, 2, 3]
            return Int32(numbers[numbers.count + Int(system.getpid() & 0)])
        case "exception":
            return Int32(truncatingIfNeeded: recurse(1))
        case "exit":
            system.exit(arguments.count > 2 ? Int32(arguments[2]) ?? 1 : 1)
        default:
            complain("usage: crash [trap|exception|exit N]")
            return 1
        }
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
