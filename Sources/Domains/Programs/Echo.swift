import LeafInterfaces

/// echo: its arguments, separated by spaces, and a newline.
final class Echo: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        var line = ""
        for (i, word) in arguments.dropFirst().enumerated() { line += (i == 0 ? "" : " ") + word }
        return system.write(1, Array((line + "\n").utf8)) == .none ? 0 : 1
    }
}
