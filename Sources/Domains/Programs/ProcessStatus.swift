import LeafInterfaces

/// ps: the processes, each with its domain and thread and what the kernel charges the domain;
/// then every live or crashed domain (the kernel, drivers, the file system, Rv6, processes) with
/// its threads, objects and pages. Domains torn down, stopped or kept for the next process, are
/// only counted.
final class ProcessStatus: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        print("PID PPID STATE    DOMAIN THREAD OBJECTS PAGES NAME\n")
        var i: Int32 = 0
        while let p = system.process(i) {
            let state = p.state == 0 ? "run" : p.state == 1 ? "sleep" : "zombie"
            print("\(pad(p.pid, 3)) \(pad(p.parent, 4)) \(pad(state, 8)) \(pad(p.domain, 6)) \(pad(p.thread, 6)) \(pad(p.objects, 7)) \(pad(p.pages, 5)) \(p.programName)\n")
            i += 1
        }
        print("\nDOMAIN STATE   RESTARTS THREADS OBJECTS PAGES NAME\n")
        var stopped = 0, kept = 0
        i = 0
        while let d = system.domain(i) {
            i += 1
            if d.keptForReuse { kept += 1; continue }
            if d.state == 3 { stopped += 1 }
            guard d.state == 1 || d.state == 2 else { continue }
            print("\(pad(d.id, 6)) \(pad(d.stateName, 7)) \(pad(d.restarts, 8)) \(pad(d.threads, 7)) \(pad(d.objects, 7)) \(pad(d.pages, 5)) \(d.domainName)\n")
        }
        if stopped > 0 || kept > 0 { print("(\(stopped) stopped; \(kept) of ended processes, kept for the next)\n") }
        return 0
    }

    func pad(_ value: some BinaryInteger, _ width: Int) -> String { pad("\(value)", width) }
    func pad(_ text: String, _ width: Int) -> String {
        var s = text
        while s.utf8.count < width { s = " " + s }
        return s
    }
}
