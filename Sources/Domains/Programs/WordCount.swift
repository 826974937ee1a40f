import LeafInterfaces

/// wc: lines, words and bytes of each file (or of the standard input), as xv6's wc counts them.
final class WordCount: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        eachInput(arguments.dropFirst(), "wc") { fd, name in count(fd, name) }
    }

    func count(_ fd: Int32, _ name: String) -> Int32 {
        var lines = 0, words = 0, bytes = 0
        var inWord = false
        while true {
            guard case .success(let chunk) = system.read(fd) else {
                complain("wc: read error")
                return 1
            }
            if chunk.isEmpty { break }
            bytes += chunk.count
            for b in chunk {
                if b == 0x0a { lines += 1 }
                if b == 0x20 || b == 0x0a || b == 0x09 || b == 0x0d || b == 0x0b {
                    inWord = false
                } else if !inWord {
                    words += 1
                    inWord = true
                }
            }
        }
        print("\(lines) \(words) \(bytes) \(name)\n")
        return 0
    }
}
