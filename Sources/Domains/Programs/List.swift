import LeafInterfaces

/// ls: for a directory, a line per entry (name, type, inode, size, as xv6's ls prints them);
/// for a file, its own line.
final class List: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        var status: Int32 = 0
        for path in arguments.count < 2 ? ["."] : Array(arguments.dropFirst()) where !list(path) { status = 1 }
        return status
    }

    func list(_ path: String) -> Bool {
        let opened = system.open(path, .readOnly)
        guard opened.error == .none else {
            complain("ls: cannot open \(path): \(opened.error)")
            return false
        }
        defer { system.close(opened.value) }
        let status = system.fstat(opened.value)
        guard status.error == .none else {
            complain("ls: cannot stat \(path): \(status.error)")
            return false
        }
        guard status.type == .directory else {
            print(line(path, status))
            return true
        }
        guard let entries = system.directoryEntries(opened.value) else {
            complain("ls: cannot read \(path)")
            return false
        }
        for (_, entry) in entries {
            let child = system.open(path + "/" + entry, .readOnly)
            guard child.error == .none else {
                complain("ls: cannot stat \(entry): \(child.error)")
                continue
            }
            print(line(entry, system.fstat(child.value)))
            system.close(child.value)
        }
        return true
    }

    func line(_ name: String, _ s: FileStatus) -> String {
        var padded = name
        while padded.utf8.count < DiskFormat.nameLength { padded += " " }
        return "\(padded) \(s.type.raw) \(s.inode) \(s.size)\n"
    }
}
