import LeafInterfaces

/// init: the first process. Runs the shell on the console (or the program its arguments
/// name), starts it again when it ends, and reaps the orphans that come to it. `init -once
/// PROGRAM ...` runs the program once and ends with its status (for tests).
final class Init: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        let once = arguments.count > 2 && arguments[1] == "-once"
        let given = Array(arguments.dropFirst(once ? 2 : 1))
        let program = given.isEmpty ? ["sh"] : given
        while true {
            if !once { print("init: starting \(program[0])\n") }
            let started = system.spawn(program)
            guard started.error == .none else {
                complain("init: cannot start \(program[0]): \(started.error)")
                if once { return 1 }
                // The table may be full: reap one that ends (or wait a moment), and try again.
                if system.wait().error != .none { _ = system.sleep(10) }
                continue
            }
            while true {
                let ended = system.wait()
                if ended.error != .none { break }
                if ended.pid == started.value {
                    if once { return ended.crashed ? -1 : ended.status }
                    break
                }
            }
        }
    }
}
