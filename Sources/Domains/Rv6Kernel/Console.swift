import LeafInterfaces
import LeafSDK

/// The console's line discipline (xv6's console.c): input is echoed and edited a line at a
/// time (backspace, ^U kills the line), and a read returns at most one line; ^D ends the input
/// (a read at the start of a line returns 0 bytes).
struct ConsoleState {
    /// The line being typed.
    var line: [UInt8] = []
    /// Lines typed and not yet read, oldest first; an empty one is a ^D at a line's start.
    var lines: [[UInt8]] = []
    /// Bytes received after a line was completed, taken in (and echoed) by the next read: so
    /// the echo of what was typed ahead comes when the reader gets to it, not into the output
    /// of the command before.
    var typedAhead: [UInt8] = []
}

extension Rv6Kernel {
    /// Waits for a line (polling the console each tick; it raises no interrupt we take), then
    /// moves as much of it as the buffer wants into the buffer.
    func consoleRead(_ index: Int, _ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        var buffer = buffer
        guard let wanted = try? buffer.read(FileData.lengthField), Int(wanted) <= FileData.capacity else {
            return failed(buffer, .invalidArgument)
        }
        let thread = processes[index].thread
        while console.lines.isEmpty && wanted > 0 {
            guard let me = processIndex(thread: thread), !processes[me].killed else { return failed(buffer, .killed) }
            if !console.typedAhead.isEmpty {
                let pending = console.typedAhead
                console.typedAhead = []
                let echo = edit(pending)
                if !echo.isEmpty { buffer = try echoed(echo, buffer) }
                continue
            }
            // The caller's buffer carries what arrived, and then the echo. (The host is trusted
            // code: should a call to it fail, the buffer is lost and the caller hears so.)
            try? buffer.write(UInt32(FileData.capacity), to: FileData.lengthField)
            buffer = try host.consoleRead(buffer)
            guard let arrived = try? buffer.read() else { return failed(buffer, .ioError) }
            if arrived.length == 0 {
                sleep(me, on: .console, until: try host.ticks() + 1)
                continue
            }
            var received: [UInt8] = []
            for i in 0..<min(Int(arrived.length), FileData.capacity) { received.append(arrived.bytes[i]) }
            let echo = edit(received)
            if !echo.isEmpty { buffer = try echoed(echo, buffer) }
        }
        guard wanted > 0 else { return failed(buffer, .none) }
        let line = console.lines[0]
        let n = min(Int(wanted), line.count)
        if n == line.count { console.lines.removeFirst() } else { console.lines[0].removeFirst(n) }
        do throws(AccessError) {
            try buffer.update { data in
                for i in 0..<n { data.bytes[i] = line[i] }
                data.length = UInt32(n)
                data.error = .none
            }
        } catch {}
        return buffer
    }

    /// Writes `echo` to the console in `buffer`.
    func echoed(_ echo: [UInt8], _ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        var buffer = buffer
        try? buffer.update { data in
            for (i, b) in echo.prefix(FileData.capacity).enumerated() { data.bytes[i] = b }
            data.length = UInt32(min(echo.count, FileData.capacity))
        }
        return try host.consoleWrite(buffer)
    }

    /// Takes typed bytes into the line being edited, up to the end of the first line; keeps
    /// the rest for the next read. Returns what to echo.
    func edit(_ bytes: [UInt8]) -> [UInt8] {
        var echo: [UInt8] = []
        let erase: [UInt8] = [0x08, 0x20, 0x08]
        for (at, byte) in bytes.enumerated() {
            if !console.lines.isEmpty {
                console.typedAhead += bytes[at...]
                break
            }
            switch byte {
            case 0x15:  // ^U: the whole line goes
                for _ in console.line { echo += erase }
                console.line = []
            case 0x08, 0x7f:  // backspace, delete
                if !console.line.isEmpty {
                    console.line.removeLast()
                    echo += erase
                }
            case 0x04:  // ^D: the line so far is read as it is; alone, it is the end
                console.lines.append(console.line)
                console.line = []
            case 0x0d, 0x0a:
                console.line.append(0x0a)
                console.lines.append(console.line)
                console.line = []
                echo.append(0x0a)
            default:
                console.line.append(byte)
                echo.append(byte)
            }
        }
        return echo
    }

    func consoleWrite(_ buffer: consuming RRef<FileData>) throws(RpcError) -> RRef<FileData> {
        var done = try host.consoleWrite(buffer)
        try? done.write(SystemError.none, to: FileData.errorField)
        return done
    }
}
