import LeafInterfaces

/// cat: each file named (or the standard input) to the standard output.
final class Cat: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        eachInput(arguments.dropFirst(), "cat") { fd, name in copy(fd, name) }
    }

    func copy(_ fd: Int32, _ name: String) -> Int32 {
        while true {
            switch system.read(fd) {
            case .failure(let error):
                complain("cat: read error on \(name): \(error)")
                return 1
            case .success(let bytes):
                if bytes.isEmpty { return 0 }
                let error = system.write(1, bytes)
                guard error == .none else {
                    complain("cat: write error: \(error)")
                    return 1
                }
            }
        }
    }
}
