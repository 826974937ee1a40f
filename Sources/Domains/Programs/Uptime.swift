import LeafInterfaces

/// uptime: ticks (of 10 ms) since boot.
final class Uptime: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        print("\(system.uptime())\n")
        return 0
    }
}
