import LeafInterfaces

/// sleep: waits the ticks (of 10 ms) given.
final class Sleep: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        guard arguments.count == 2, let ticks = Int32(arguments[1]), ticks >= 0 else {
            complain("usage: sleep ticks")
            return 1
        }
        let error = system.sleep(ticks)
        guard error == .none else {
            complain("sleep: \(error)")
            return 1
        }
        return 0
    }
}
