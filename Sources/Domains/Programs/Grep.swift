import LeafInterfaces

/// grep: the lines of each file (or of the standard input) that match a pattern: xv6's
/// matcher (Kernighan and Pike's), with ^, $, . and *.
final class Grep: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        guard arguments.count >= 2 else {
            complain("usage: grep pattern [file ...]")
            return 1
        }
        let pattern = Array(arguments[1].utf8)
        return eachInput(arguments.dropFirst(2), "grep") { fd, _ in search(pattern, fd) }
    }

    func search(_ pattern: [UInt8], _ fd: Int32) -> Int32 {
        var pending: [UInt8] = []
        while true {
            guard case .success(let chunk) = system.read(fd) else {
                complain("grep: read error")
                return 1
            }
            pending += chunk
            while let end = pending.firstIndex(of: 0x0a) {
                let line = Array(pending[..<end])
                if matches(pattern, line) { system.write(1, line + [0x0a]) }
                pending.removeSubrange(...end)
            }
            if chunk.isEmpty {
                if !pending.isEmpty && matches(pattern, pending) { system.write(1, pending + [0x0a]) }
                return 0
            }
        }
    }

    func matches(_ re: [UInt8], _ text: [UInt8]) -> Bool {
        if re.first == UInt8(ascii: "^") { return here(re, 1, text, 0) }
        var t = 0
        repeat {
            if here(re, 0, text, t) { return true }
            t += 1
        } while t <= text.count
        return false
    }

    /// Whether `re` from `r` matches at the start of `text` from `t`.
    func here(_ re: [UInt8], _ r: Int, _ text: [UInt8], _ t: Int) -> Bool {
        if r == re.count { return true }
        if r + 1 < re.count && re[r + 1] == UInt8(ascii: "*") { return star(re[r], re, r + 2, text, t) }
        if re[r] == UInt8(ascii: "$") && r + 1 == re.count { return t == text.count }
        if t < text.count && (re[r] == UInt8(ascii: ".") || re[r] == text[t]) { return here(re, r + 1, text, t + 1) }
        return false
    }

    func star(_ c: UInt8, _ re: [UInt8], _ r: Int, _ text: [UInt8], _ t: Int) -> Bool {
        var t = t
        repeat {
            if here(re, r, text, t) { return true }
            guard t < text.count && (text[t] == c || c == UInt8(ascii: ".")) else { return false }
            t += 1
        } while true
    }
}
