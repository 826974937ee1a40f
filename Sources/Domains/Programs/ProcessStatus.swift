import LeafInterfaces

/// ps: the processes, each with its domain and thread and what the kernel charges the domain.
final class ProcessStatus: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        print("PID PPID STATE    DOMAIN THREAD OBJECTS PAGES NAME\n")
        var i: Int32 = 0
        while let p = system.process(i) {
            let state = p.state == 0 ? "run" : p.state == 1 ? "sleep" : "zombie"
            print("\(pad(p.pid, 3)) \(pad(p.parent, 4)) \(pad(state, 8)) \(pad(p.domain, 6)) \(pad(p.thread, 6)) \(pad(p.objects, 7)) \(pad(p.pages, 5)) \(p.programName)\n")
            i += 1
        }
        return 0
    }

    func pad(_ value: some BinaryInteger, _ width: Int) -> String { pad("\(value)", width) }
    func pad(_ text: String, _ width: Int) -> String {
        var s = text
        while s.utf8.count < width { s = " " + s }
        return s
    }
}
