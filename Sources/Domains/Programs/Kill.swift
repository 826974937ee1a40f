import LeafInterfaces

/// kill: ends each process named by its ID, or every process (but this one) that runs the
/// program a name names, as `ps` shows it; its parent sees it crashed.
final class Kill: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2 else {
            complain("usage: kill pid|program...")
            return 1
        }
        for word in arguments.dropFirst() {
            let pids = Int32(word).map { [$0] } ?? running(word)
            guard !pids.isEmpty else {
                complain("kill: no process runs \(word)")
                return 1
            }
            for pid in pids {
                let error = system.kill(pid)
                guard error == .none else {
                    complain("kill: \(pid): \(error)")
                    return 1
                }
            }
        }
        return 0
    }

    /// The processes other than this one that run `program` and have not ended.
    func running(_ program: String) -> [Int32] {
        let me = system.getpid()
        var pids: [Int32] = []
        var i: Int32 = 0
        while let p = system.process(i) {
            i += 1
            if p.pid != me && p.state != 2 && p.programName == program { pids.append(p.pid) }
        }
        return pids
    }
}
