import LeafInterfaces

/// mkdir: each directory named.
final class MakeDirectory: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2 else {
            complain("usage: mkdir directory...")
            return 1
        }
        for name in arguments.dropFirst() {
            let error = system.mkdir(name)
            guard error == .none else {
                complain("mkdir: \(name) failed to create: \(error)")
                return 1
            }
        }
        return 0
    }
}
