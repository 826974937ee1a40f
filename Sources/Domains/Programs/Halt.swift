import LeafInterfaces

/// halt: flushes the file system and powers the machine off (status 0, or the one given).
final class Halt: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        let status = arguments.count > 1 ? Int32(arguments[1]) ?? 1 : 0
        let error = system.halt(status)
        guard error == .none else {
            complain("halt: \(error)")
            return 1
        }
        return 0
    }
}
