import LeafInterfaces
import LeafSDK

/// benchfs [ROUNDS]: the file system's speed through Rv6's system calls, by the clock (ticks
/// of 10 ms: information only; under QEMU's TCG it says more of the emulator than of the disk).
/// ROUNDS times over (4 by default), each kind timed apart: 50 small files created, written
/// (100 bytes) and closed, then unlinked; a 256 KiB file (more than the 192 KiB buffer cache,
/// less than xv6's largest file) written and then read in pieces of 4 KiB. The buffer moves to
/// the kernel and back as it is: nothing is copied into or out of it, so the figures are the
/// kernel's and the FS's.
final class BenchFS: UserProgram {
    static let smallFiles = 50
    static let sequentialPieces = 64

    override func main(_ arguments: [String]) -> Int32 {
        var rounds = 4
        if arguments.count > 1 {
            guard arguments.count == 2, let n = Int(arguments[1]), n >= 1, n <= 1000 else {
                complain("usage: benchfs [ROUNDS]   (1 to 1000; 4 by default)")
                return 1
            }
            rounds = n
        }

        var start = system.uptime()
        for _ in 0..<rounds {
            for i in 0..<BenchFS.smallFiles {
                guard let status = createSmall("benchfs.\(i)") else { return 1 }
                guard status == .none else { return fail("create benchfs.\(i)", status) }
            }
            for i in 0..<BenchFS.smallFiles {
                let e = system.unlink("benchfs.\(i)")
                guard e == .none else { return fail("unlink benchfs.\(i)", e) }
            }
        }
        let files = rounds * BenchFS.smallFiles
        report("small files: \(files) created, written (100 B), closed and unlinked", system.ticks(since: start), count: files, unit: "files")

        let bytes = rounds * BenchFS.sequentialPieces * FileData.capacity
        start = system.uptime()
        for _ in 0..<rounds {
            let e = sequential(write: true)
            guard e == .none else { return fail("write benchfs.seq", e) }
        }
        report("sequential write, 4 KiB: \(bytes / 1024) KiB", system.ticks(since: start), bytes: bytes)
        start = system.uptime()
        for _ in 0..<rounds {
            let e = sequential(write: false)
            guard e == .none else { return fail("read benchfs.seq", e) }
        }
        report("sequential read, 4 KiB: \(bytes / 1024) KiB", system.ticks(since: start), bytes: bytes)
        _ = system.unlink("benchfs.seq")
        return 0
    }

    /// One small file; nil when it could not be opened (the complaint is made).
    func createSmall(_ name: String) -> SystemError? {
        let o = system.open(name, .create | .writeOnly)
        guard o.error == .none else {
            _ = fail("create \(name)", o.error)
            return nil
        }
        defer { system.close(o.value) }
        return transfer(o.value, 100, write: true)
    }

    /// The whole sequential file, written (truncated first) or read, in 4 KiB pieces.
    func sequential(write: Bool) -> SystemError {
        let o = system.open("benchfs.seq", write ? .create | .writeOnly | .truncate : .readOnly)
        guard o.error == .none else { return o.error }
        defer { system.close(o.value) }
        for _ in 0..<BenchFS.sequentialPieces {
            let e = transfer(o.value, FileData.capacity, write: write)
            guard e == .none else { return e }
        }
        return .none
    }

    /// `count` bytes written from, or read into, the buffer as it is; a short transfer is an error.
    func transfer(_ fd: Int32, _ count: Int, write: Bool) -> SystemError {
        let kernel = system.kernel
        let (done, error) = system.move { b throws(RpcError) in
            var b = b
            try? b.write(UInt32(count), to: FileData.lengthField)
            return write ? try kernel.write(fd, from: b) : try kernel.read(fd, into: b)
        }
        guard error == .none else { return error }
        return done == count ? .none : .ioError
    }

    func fail(_ what: String, _ error: SystemError) -> Int32 {
        complain("benchfs: \(what): \(error)")
        return 1
    }

    /// "what in S s: R unit/s", to 10 ms.
    func report(_ what: String, _ ticks: UInt64, count: Int = 0, unit: String = "", bytes: Int = 0) {
        guard ticks > 0 else {
            print("benchfs: \(what) in under 10 ms (run more rounds for a figure)\n")
            return
        }
        let rate = bytes > 0
            ? "\(twoPlaces(UInt64(bytes) * 100 * 100 / ticks / 1_000_000)) MB/s"
            : "\(UInt64(count) * 100 / ticks) \(unit)/s"
        print("benchfs: \(what) in \(twoPlaces(ticks)) s: \(rate)\n")
    }

    /// `hundredths` as a decimal with two places.
    func twoPlaces(_ hundredths: UInt64) -> String {
        "\(hundredths / 100).\(hundredths % 100 < 10 ? "0" : "")\(hundredths % 100)"
    }
}
