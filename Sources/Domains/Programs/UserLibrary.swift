import LeafInterfaces
import LeafSDK

/// What every program stands on (xv6's ulib.c and printf.c): the system calls with Swift
/// types, over one buffer that each read and write moves to the kernel and back.
final class System {
    let kernel: any Rv6System
    /// The buffer reads and writes move; nil only while a call has it.
    var buffer: RRef<FileData>?

    init(_ kernel: any Rv6System) {
        self.kernel = kernel
        buffer = try? RRef(FileData())
    }

    /// Ends the process (the call returns into nothing).
    func exit(_ status: Int32) -> Never {
        do throws(RpcError) { try kernel.exit(status) } catch {}
        fatalError("exit returned")
    }

    /// Writes all of `bytes` (in pieces of 4 KiB); the error that stopped it, if one did.
    @discardableResult
    func write(_ fd: Int32, _ bytes: [UInt8]) -> SystemError {
        var at = 0
        repeat {
            let n = min(bytes.count - at, FileData.capacity)
            let (done, error) = move { b throws(RpcError) in
                var b = b
                try? b.update { data in
                    for i in 0..<n { data.bytes[i] = bytes[at + i] }
                    data.length = UInt32(n)
                    data.error = .none
                }
                return try kernel.write(fd, from: b)
            }
            guard error == .none else { return error }
            guard done > 0 || n == 0 else { return .ioError }
            at += done
        } while at < bytes.count
        return .none
    }

    func print(_ text: String, to fd: Int32 = 1) { write(fd, Array(text.utf8)) }

    /// Up to `count` bytes (at most 4 KiB); empty at the end.
    func read(_ fd: Int32, upTo count: Int = FileData.capacity) -> Result<[UInt8], SystemError> {
        let wanted = min(max(count, 0), FileData.capacity)
        let (count, error) = move { b throws(RpcError) in
            var b = b
            try? b.write(UInt32(wanted), to: FileData.lengthField)
            return try kernel.read(fd, into: b)
        }
        guard error == .none else { return .failure(error) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        if var b = buffer.take() {
            try? b.update { data in for i in 0..<count { bytes.append(data.bytes[i]) } }
            buffer = .some(b)
        }
        return .success(bytes)
    }

    /// Everything up to the end.
    func readAll(_ fd: Int32) -> Result<[UInt8], SystemError> {
        var all: [UInt8] = []
        while true {
            switch read(fd) {
            case .failure(let e): return .failure(e)
            case .success(let bytes):
                if bytes.isEmpty { return .success(all) }
                all += bytes
            }
        }
    }

    /// The entries in use of the directory open as `fd` (xv6's 16-byte dirents): inode, name.
    func directoryEntries(_ fd: Int32) -> [(UInt16, String)]? {
        guard case .success(let bytes) = readAll(fd) else { return nil }
        let size = 2 + DiskFormat.nameLength
        var entries: [(UInt16, String)] = []
        for at in stride(from: 0, to: bytes.count - size + 1, by: size) {
            let inode = UInt16(bytes[at]) | UInt16(bytes[at + 1]) << 8
            guard inode != 0 else { continue }
            var name: [UInt8] = []
            for i in 2..<size where bytes[at + i] != 0 { name.append(bytes[at + i]) }
            entries.append((inode, String(decoding: name, as: UTF8.self)))
        }
        return entries
    }

    /// Runs `call` with the buffer moved in and takes it back: the length and error that came
    /// back (the bytes stay in the buffer: no copy of 4 KiB on the way out).
    func move(_ call: (consuming RRef<FileData>) throws(RpcError) -> RRef<FileData>) -> (length: Int, error: SystemError) {
        let b: RRef<FileData>
        if let kept = buffer.take() {
            b = kept
        } else if let fresh = try? RRef(FileData()) {
            b = fresh
        } else {
            return (0, .tooManyFiles)
        }
        do throws(RpcError) {
            let back = try call(b)
            let length = (try? back.read(FileData.lengthField)) ?? 0
            let error = (try? back.read(FileData.errorField)) ?? .ioError
            buffer = .some(back)
            return (min(Int(length), FileData.capacity), error)
        } catch {
            return (0, .ioError)
        }
    }

    func path<R>(_ text: String, _ body: (borrowing RRef<PathName>) throws(RpcError) -> R, failed: R) -> R {
        guard let name = try? RRef(PathName(text)) else { return failed }
        do throws(RpcError) { return try body(name) } catch { return failed }
    }

    func open(_ path: String, _ flags: OpenFlags) -> SystemResult {
        self.path(path, { p throws(RpcError) in try kernel.open(p, flags: flags) }, failed: .failed(.ioError))
    }
    func close(_ fd: Int32) { _ = try? kernel.close(fd) }
    func dup(_ fd: Int32) -> SystemResult { (try? kernel.dup(fd)) ?? .failed(.ioError) }
    func pipe() -> PipeResult { (try? kernel.pipe()) ?? PipeResult(readEnd: -1, writeEnd: -1, error: .ioError) }
    func fstat(_ fd: Int32) -> FileStatus {
        (try? kernel.fstat(fd)) ?? FileStatus(device: 0, inode: 0, type: .free, links: 0, size: 0, major: 0, minor: 0, error: .ioError)
    }
    func mkdir(_ path: String) -> SystemError { self.path(path, { p throws(RpcError) in try kernel.mkdir(p) }, failed: .ioError) }
    func unlink(_ path: String) -> SystemError { self.path(path, { p throws(RpcError) in try kernel.unlink(p) }, failed: .ioError) }
    func chdir(_ path: String) -> SystemError { self.path(path, { p throws(RpcError) in try kernel.chdir(p) }, failed: .ioError) }
    func mknod(_ path: String, _ major: Int16, _ minor: Int16) -> SystemError {
        self.path(path, { p throws(RpcError) in try kernel.mknod(p, major: major, minor: minor) }, failed: .ioError)
    }
    func link(_ existing: String, _ new: String) -> SystemError {
        guard let a = try? RRef(PathName(existing)), let b = try? RRef(PathName(new)) else { return .tooManyFiles }
        return (try? kernel.link(a, to: b)) ?? .ioError
    }

    /// Starts `arguments` (argument 0 names the program); the child's descriptors 0, 1, 2 are
    /// `descriptors` (this process's own by default).
    func spawn(_ arguments: [String], descriptors: [Int32] = [0, 1, 2]) -> SystemResult {
        guard let list = ArgumentList(arguments) else { return .failed(.argumentsTooLong) }
        guard let request = try? RRef(SpawnRequest(arguments: list, descriptors: descriptors)) else { return .failed(.tooManyFiles) }
        return (try? kernel.spawnProgram(request)) ?? .failed(.ioError)
    }
    func wait() -> WaitResult { (try? kernel.wait()) ?? WaitResult(pid: -1, status: -1, crashed: false, error: .ioError) }
    func kill(_ pid: Int32) -> SystemError { (try? kernel.kill(pid)) ?? .ioError }
    func getpid() -> Int32 { (try? kernel.getpid()) ?? -1 }
    func sleep(_ ticks: Int32) -> SystemError { (try? kernel.sleep(ticks)) ?? .ioError }
    func uptime() -> UInt64 { (try? kernel.uptime()) ?? 0 }
    /// Ticks since `start` (0 if the clock could not be read).
    func ticks(since start: UInt64) -> UInt64 {
        let now = uptime()
        return now >= start ? now - start : 0
    }
    func process(_ index: Int32) -> ProcessInfo? {
        guard let row = try? kernel.process(index), row.pid != 0 else { return nil }
        return row
    }
    func domain(_ index: Int32) -> DomainInfo? {
        guard let row = try? kernel.domainInfo(index), row.exists else { return nil }
        return row
    }
    func halt(_ status: Int32) -> SystemError { (try? kernel.halt(status)) ?? .ioError }
    func injectFault(into domain: String, _ kind: UInt8) -> SystemError {
        guard let request = FaultRequest(domain: domain, kind: kind) else { return .invalidArgument }
        guard let r = try? RRef(request) else { return .tooManyFiles }
        return (try? kernel.injectFault(r)) ?? .ioError
    }
}

/// A program: its `main` runs in its own domain on the process's thread. Each program is a
/// subclass, in a file of its own; Table.swift names them.
class UserProgram: Program {
    let system: System
    required init(system: any Rv6System) { self.system = System(system) }

    func run(_ arguments: borrowing RRef<ArgumentList>) throws(RpcError) -> Int32 {
        let words = (try? arguments.read())?.arguments ?? []
        return main(words)
    }

    /// The program; its result is the exit status.
    func main(_ arguments: [String]) -> Int32 { 0 }

    func print(_ text: String) { system.print(text) }

    /// `body` on each file `names` names, opened for reading, or on the standard input when
    /// there is none (as cat, wc and grep take their input); the first failing status.
    func eachInput(_ names: ArraySlice<String>, _ program: String, _ body: (Int32, String) -> Int32) -> Int32 {
        if names.isEmpty { return body(0, "") }
        for name in names {
            let opened = system.open(name, .readOnly)
            guard opened.error == .none else {
                complain("\(program): cannot open \(name): \(opened.error)")
                return 1
            }
            let status = body(opened.value, name)
            system.close(opened.value)
            if status != 0 { return status }
        }
        return 0
    }
    /// "name: message" on descriptor 2.
    func complain(_ text: String) { system.print(text + "\n", to: 2) }
}
