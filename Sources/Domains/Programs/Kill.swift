import LeafInterfaces

/// kill: ends each process named by its ID (its parent sees it crashed).
final class Kill: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2 else {
            complain("usage: kill pid...")
            return 1
        }
        for word in arguments.dropFirst() {
            guard let pid = Int32(word) else {
                complain("kill: \(word) is not a process ID")
                return 1
            }
            let error = system.kill(pid)
            guard error == .none else {
                complain("kill: \(pid): \(error)")
                return 1
            }
        }
        return 0
    }
}
