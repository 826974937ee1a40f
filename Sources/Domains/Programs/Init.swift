import LeafInterfaces
/// init: the first process. Runs the shell on the console, starts it again when it ends, and
/// reaps the orphans that come to it.
final class Init: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        let shell = arguments.count > 1 ? Array(arguments.dropFirst()) : ["sh"]
        while true {
            print("init: starting \(shell[0])\n")
            let started = system.spawn(shell)
            guard started.error == .none else {
                complain("init: cannot start \(shell[0]): \(started.error)")
                return 1
            }
            while true {
                let ended = system.wait()
                if ended.error != .none { break }
                if ended.pid == started.value { break }
            }
        }
    }
}
