import LeafInterfaces

/// rm: each name given (a directory only if it is empty).
final class Remove: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2 else {
            complain("usage: rm file...")
            return 1
        }
        for name in arguments.dropFirst() {
            let error = system.unlink(name)
            guard error == .none else {
                complain("rm: \(name) failed to delete: \(error)")
                return 1
            }
        }
        return 0
    }
}
