import LeafInterfaces

/// ln: a second name for a file.
final class Link: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        guard arguments.count == 3 else {
            complain("usage: ln old new")
            return 1
        }
        let error = system.link(arguments[1], arguments[2])
        guard error == .none else {
            complain("ln: link \(arguments[1]) \(arguments[2]) failed: \(error)")
            return 1
        }
        return 0
    }
}
