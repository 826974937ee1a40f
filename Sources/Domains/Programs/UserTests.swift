import LeafInterfaces
import LeafSDK

/// usertests: xv6-riscv's user tests, ported (RV6-FACTS.md §3): the file-system tests (groups A
/// and B), the concurrency and pipe tests with spawn and wait in place of fork (C, D), the
/// process tests that apply (E), and, in place of the raw-pointer tests (G), bad arguments and
/// crashes: a program's trap or CPU exception gives its parent a crashed status. A test that
/// forked spawns this program again as `usertests child ROLE ...`. Each test prints its name
/// and "OK", or "FAILED" and why; the last line is "ALL TESTS PASSED" only if every one passed.
/// `usertests NAME...` runs the tests named; `usertests --except NAME...` all the others;
/// `--seed N` first replays the random tests from seed N.
final class UserTests: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        if arguments.count >= 3 && arguments[1] == "child" { return child(arguments[2], Array(arguments.dropFirst(3))) }
        var arguments = arguments
        if arguments.count > 1 && arguments[1] == "--seed" {
            guard arguments.count > 2, let s = UInt32(arguments[2]) else {
                complain("usertests: --seed takes a number (0 to 4294967295)")
                return 1
            }
            seed = s
            arguments.removeSubrange(1...2)
        }
        let excepting = arguments.count > 1 && arguments[1] == "--except"
        let named = Array(arguments.dropFirst(excepting ? 2 : 1))
        for name in named where !tests.contains(where: { $0.0 == name }) {
            complain("usertests: no test \(name)")
            return 1
        }
        var failed: [String] = []
        var ran = 0
        for (name, test) in tests where named.isEmpty || named.contains(name) != excepting {
            print("test \(name): ")
            failures = []
            test(self)()
            ran += 1
            if failures.isEmpty {
                print("OK\n")
            } else {
                print("FAILED: \(failures.joined(separator: "; "))\n")
                failed.append(name)
            }
        }
        if failed.isEmpty {
            print("usertests: \(ran) tests passed\nALL TESTS PASSED\n")
            return 0
        }
        print("usertests: \(failed.count) of \(ran) FAILED: \(failed.joined(separator: " "))\nSOME TESTS FAILED\n")
        return 1
    }

    var failures: [String] = []
    /// The seed `--seed` gave the random tests (randomcalls); nil: from the clock.
    var seed: UInt32? = nil

    /// Records a failure unless `condition` holds.
    func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { failures.append(what()) }
    }

    let tests: [(String, (UserTests) -> () -> Void)] = [
        // A: the file system alone.
        ("opentest", UserTests.openTest),
        ("writetest", UserTests.writeTest),
        ("writebig", UserTests.writeBig),
        ("createtest", UserTests.createTest),
        ("unlinkread", UserTests.unlinkRead),
        ("linktest", UserTests.linkTest),
        ("bigwrite", UserTests.bigWrite),
        ("bigfile", UserTests.bigFile),
        ("fourteen", UserTests.fourteen),
        ("truncate1", UserTests.truncate1),
        ("truncate2", UserTests.truncate2),
        ("bigdir", UserTests.bigDirectory),
        ("outofinodes", UserTests.outOfInodes),
        ("diskfull", UserTests.diskFull),
        // B: directories.
        ("dirtest", UserTests.dirTest),
        ("subdir", UserTests.subdir),
        ("rmdot", UserTests.rmdot),
        ("dirfile", UserTests.dirFile),
        ("iref", UserTests.iref),
        ("iput", UserTests.iput),
        ("exitiput", UserTests.exitIput),
        ("openiput", UserTests.openIput),
        // C, D: concurrency and pipes, spawn in place of fork.
        ("fourfiles", UserTests.fourFiles),
        ("createdelete", UserTests.createDelete),
        ("sharedfd", UserTests.sharedFD),
        ("concreate", UserTests.concreate),
        ("linkunlink", UserTests.linkUnlink),
        ("manywrites", UserTests.manyWrites),
        ("truncate3", UserTests.truncate3),
        ("forkforkfork", UserTests.forkForkFork),
        ("pipe1", UserTests.pipe1),
        ("preempt", UserTests.preempt),
        // E: processes.
        ("exitwait", UserTests.exitWait),
        ("reparent", UserTests.reparent),
        ("reparent2", UserTests.reparent2),
        ("forkfork", UserTests.forkFork),
        ("twochildren", UserTests.twoChildren),
        ("killstatus", UserTests.killStatus),
        ("forktest", UserTests.forkTest),
        // In place of G: what a safe program can do wrong.
        ("badarg", UserTests.badArguments),
        ("crashstatus", UserTests.crashStatus),
        ("objectquota", UserTests.objectQuota),
        ("randomcalls", UserTests.randomCalls),
        ("mem", UserTests.memory),
    ]

    // MARK: helpers

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// Creates `name` holding `content`.
    func create(_ name: String, _ content: [UInt8]) {
        let f = system.open(name, .create | .readWrite | .truncate)
        expect(f.error == .none, "create \(name): \(f.error)")
        guard f.error == .none else { return }
        expect(system.write(f.value, content) == .none, "write \(name)")
        system.close(f.value)
    }

    /// The whole of `name`, or nil (a failure recorded) when it cannot be read.
    func contents(_ name: String) -> [UInt8]? {
        let f = system.open(name, .readOnly)
        guard f.error == .none else {
            expect(false, "open \(name): \(f.error)")
            return nil
        }
        defer { system.close(f.value) }
        guard case .success(let all) = system.readAll(f.value) else {
            expect(false, "read \(name)")
            return nil
        }
        return all
    }

    /// Spawns `usertests child ROLE ARGS` with `descriptors`; its pid (a failure recorded if not).
    func spawnChild(_ role: String, _ arguments: [String] = [], descriptors: [Int32] = [0, 1, 2]) -> Int32 {
        let started = system.spawn(["usertests", "child", role] + arguments, descriptors: descriptors)
        expect(started.error == .none, "spawn \(role): \(started.error)")
        return started.error == .none ? started.value : -1
    }

    /// Waits for `count` children; their results.
    func waitAll(_ count: Int) -> [WaitResult] {
        var results: [WaitResult] = []
        for _ in 0..<count {
            let r = system.wait()
            expect(r.error == .none, "wait: \(r.error)")
            if r.error != .none { break }
            results.append(r)
        }
        return results
    }

    // MARK: children

    func child(_ role: String, _ arguments: [String]) -> Int32 {
        switch role {
        case "exit":
            return Int32(arguments.first ?? "0") ?? 0
        case "fill":
            // fill NAME BYTE COUNT: COUNT writes of 500 copies of BYTE.
            let f = system.open(arguments[0], .create | .writeOnly)
            guard f.error == .none, let byte = arguments[1].utf8.first, let count = Int(arguments[2]) else { return 1 }
            for _ in 0..<count where system.write(f.value, Array(repeating: byte, count: 500)) != .none { return 1 }
            system.close(f.value)
            return 0
        case "createdelete":
            // Creates and removes 20 files NAME0..NAME19, each removed as the next is made.
            let prefix = arguments[0]
            for i in 0..<20 {
                let f = system.open("\(prefix)\(i)", .create | .readWrite)
                guard f.error == .none else { return 1 }
                system.close(f.value)
                if i > 0 && i % 2 == 0 && system.unlink("\(prefix)\(i / 2)") != .none { return 1 }
            }
            return 0
        case "sharedfd":
            // Writes 1000 times 10 copies of BYTE to descriptor 3, which the parent shares.
            guard let byte = arguments[0].utf8.first else { return 1 }
            for _ in 0..<1000 where system.write(3, Array(repeating: byte, count: 10)) != .none { return 1 }
            return 0
        case "pipewriter":
            // Writes bytes 0, 1, 2, ... (mod 256) to descriptor 1 in 5 pieces of 1033.
            var seq = 0
            for _ in 0..<5 {
                var piece: [UInt8] = []
                for _ in 0..<1033 { piece.append(UInt8(seq & 0xff)); seq += 1 }
                if system.write(1, piece) != .none { return 1 }
            }
            return 0
        case "grandparent":
            // Starts a child that outlives it, and ends.
            return system.spawn(["usertests", "child", "exit", "0"]).error == .none ? 0 : 1
        case "sleep":
            return system.sleep(Int32(arguments.first ?? "1") ?? 1) == .none ? 0 : 1
        case "sleeploop":
            while true { if system.sleep(1) != .none { return 1 } }
        case "truncate3":
            // Writes and reads a file the parent keeps truncating; errors are fine, a crash is not.
            for _ in 0..<100 {
                let w = system.open("truncfile", .writeOnly)
                if w.error == .none {
                    _ = system.write(w.value, bytes("1234567890"))
                    system.close(w.value)
                }
                let r = system.open("truncfile", .readOnly)
                if r.error == .none {
                    _ = system.readAll(r.value)
                    system.close(r.value)
                }
            }
            return 0
        case "exitiput":
            // Removes its own current directory and ends there.
            guard system.mkdir("iputdir") == .none, system.chdir("iputdir") == .none,
                  system.unlink("../iputdir") == .none else { return 1 }
            return 0
        case "openiput":
            // Races its parent's unlink: the directory is refused for writing, or already gone.
            let e = system.open("oidir", .readWrite).error
            return e == .isDirectory || e == .notFound ? 0 : 1
        case "concreate":
            concreateRound(linkEvery: 3)
            return 0
        case "randomcalls":
            return randomCallsChild(seed: UInt32(arguments.first ?? "1") ?? 1)
        case "linkunlink":
            linkUnlinkRound(seed: UInt32(arguments.first ?? "1") ?? 1)
            return 0
        case "manywrites":
            // 12 rounds of its own file written to 8 KiB and removed.
            let name = "mw" + (arguments.first ?? "0")
            for _ in 0..<12 {
                let f = system.open(name, .create | .writeOnly | .truncate)
                guard f.error == .none else { return 1 }
                for _ in 0..<2 where system.write(f.value, Array(repeating: UInt8(ascii: "m"), count: 4096)) != .none { return 1 }
                system.close(f.value)
                guard system.unlink(name) == .none else { return 1 }
            }
            return 0
        case "forkforkfork":
            // Spawns itself until told to stop, or until the table is full.
            while true {
                let stop = system.open("stopforking", .readOnly)
                if stop.error == .none {
                    system.close(stop.value)
                    return 0
                }
                if system.spawn(["usertests", "child", "forkforkfork"]).error != .none { return 0 }
                _ = system.sleep(1)
            }
        case "spawnloop":
            // N children started and waited for, one at a time.
            for _ in 0..<(Int(arguments.first ?? "1") ?? 1) {
                guard system.spawn(["usertests", "child", "exit", "0"]).error == .none else { return 1 }
                let r = system.wait()
                guard r.error == .none && r.status == 0 else { return 1 }
            }
            return 0
        case "hoard":
            // Shared-heap objects until the quota refuses one: 0 if that came, and in time.
            return hoard(0)
        case "mem":
            // Swift heap until there is none (xv6's mem: malloc until it fails): the runtime
            // traps when an allocation fails, so this process crashes, alone.
            var chunks: [[UInt8]] = []
            while true { chunks.append(Array(repeating: UInt8(chunks.count & 0xff), count: 10_000)) }
        case "spin":
            // No system call: only the timer takes the CPU from it, only a kill ends it. With
            // "library", the loop's time goes to String code (the runtime's, generic code),
            // which the timer must preempt as it does the program's own.
            if arguments.first == "library" {
                while String(repeating: "x", count: 20_000).utf8.count == 20_000 {}
                return 1
            }
            while true {}
        case "spinwriter":
            // Tells the parent it ran (a byte on descriptor 1), then spins.
            _ = system.write(1, [UInt8(ascii: "x")])
            system.close(1)
            while true {}
        default:
            complain("usertests: no child role \(role)")
            return 1
        }
    }

    /// Allocates an object, keeps it (on the stack) and recurses, until an allocation fails.
    func hoard(_ held: Int) -> Int32 {
        guard held < 1000 else { return 1 }
        do throws(KernelError) {
            let kept = try RRef(UInt64(held))
            let status = hoard(held + 1)
            _ = try? kept.read()
            return status
        } catch {
            guard case .quotaExceeded(_, .objects) = error else { return 2 }
            return held > 10 ? 0 : 3
        }
    }

    // MARK: A

    func openTest() {
        let root = system.open("/", .readOnly)
        expect(root.error == .none, "open /: \(root.error)")
        if root.error == .none { system.close(root.value) }
        let missing = system.open("doesnotexist", .readOnly)
        expect(missing.error == .notFound, "open doesnotexist: \(missing.error), not notFound")
    }

    func writeTest() {
        let f = system.open("small", .create | .readWrite)
        expect(f.error == .none, "create small: \(f.error)")
        guard f.error == .none else { return }
        for _ in 0..<100 {
            expect(system.write(f.value, bytes("aaaaaaaaaa")) == .none, "write aa")
            expect(system.write(f.value, bytes("bbbbbbbbbb")) == .none, "write bb")
        }
        system.close(f.value)
        if let all = contents("small") {
            expect(all.count == 2000, "read \(all.count) bytes of small, not 2000")
            expect(all.prefix(10).allSatisfy { $0 == UInt8(ascii: "a") } && all[10] == UInt8(ascii: "b"), "small's bytes")
        }
        expect(system.unlink("small") == .none, "unlink small")
    }

    func writeBig() {
        let f = system.open("big", .create | .readWrite)
        expect(f.error == .none, "create big: \(f.error)")
        guard f.error == .none else { return }
        // Every block of the largest file, each stamped with its number.
        for i in 0..<DiskFormat.maximumFileBlocks {
            var block = Array(repeating: UInt8(0), count: DiskFormat.blockSize)
            block[0] = UInt8(i & 0xff)
            block[1] = UInt8(i >> 8)
            let error = system.write(f.value, block)
            expect(error == .none, "write block \(i): \(error)")
            if error != .none { break }
        }
        let past = system.write(f.value, [1])
        expect(past == .fileTooLarge, "a write past the largest file: \(past), not fileTooLarge")
        system.close(f.value)
        if let all = contents("big") {
            expect(all.count == DiskFormat.maximumFileBlocks * DiskFormat.blockSize, "big is \(all.count) bytes")
            for i in 0..<all.count / DiskFormat.blockSize where Int(all[i * 1024]) | Int(all[i * 1024 + 1]) << 8 != i {
                expect(false, "block \(i) holds the stamp of another")
                break
            }
        }
        expect(system.unlink("big") == .none, "unlink big")
    }

    func createTest() {
        for i in 0..<52 {
            let f = system.open("a\(i)", .create | .readWrite)
            expect(f.error == .none, "create a\(i): \(f.error)")
            if f.error == .none { system.close(f.value) }
        }
        for i in 0..<52 { expect(system.unlink("a\(i)") == .none, "unlink a\(i)") }
    }

    func unlinkRead() {
        create("unlinkread", bytes("hello"))
        let f = system.open("unlinkread", .readWrite)
        expect(f.error == .none, "open unlinkread: \(f.error)")
        guard f.error == .none else { return }
        expect(system.unlink("unlinkread") == .none, "unlink unlinkread")
        create("unlinkread", bytes("yyy"))
        if case .success(let b) = system.read(f.value, upTo: 5) {
            expect(b == bytes("hello"), "the unlinked file still reads hello")
        } else {
            expect(false, "read the unlinked file")
        }
        expect(system.write(f.value, bytes("x")) == .none, "write the unlinked file")
        system.close(f.value)
        expect(contents("unlinkread") == bytes("yyy"), "the new file holds yyy")
        expect(system.unlink("unlinkread") == .none, "unlink the new file")
    }

    func linkTest() {
        create("lf1", bytes("hello"))
        expect(system.link("lf1", "lf2") == .none, "link lf1 lf2")
        expect(system.unlink("lf1") == .none, "unlink lf1")
        expect(system.open("lf1", .readOnly).error == .notFound, "lf1 is gone")
        expect(contents("lf2") == bytes("hello"), "lf2 holds hello")
        expect(system.link("lf2", "lf2") == .exists, "link lf2 lf2 refused")
        expect(system.unlink("lf2") == .none, "unlink lf2")
        expect(system.link("lf2", "lf1") == .notFound, "link of a missing file refused")
        expect(system.link(".", "lf1") != .none, "a link to a directory refused")
    }

    func bigWrite() {
        var size = 499
        while size < 12 * DiskFormat.blockSize {
            let f = system.open("bigwrite", .create | .readWrite | .truncate)
            expect(f.error == .none, "create bigwrite: \(f.error)")
            guard f.error == .none else { return }
            let data = Array(repeating: UInt8(size & 0xff), count: size)
            expect(system.write(f.value, data) == .none && system.write(f.value, data) == .none, "write \(size) twice")
            system.close(f.value)
            expect(contents("bigwrite")?.count == 2 * size, "bigwrite holds \(2 * size) bytes")
            expect(system.unlink("bigwrite") == .none, "unlink bigwrite")
            size += 471
        }
    }

    func bigFile() {
        let f = system.open("bigfile", .create | .readWrite)
        expect(f.error == .none, "create bigfile: \(f.error)")
        guard f.error == .none else { return }
        for i in 0..<20 { expect(system.write(f.value, Array(repeating: UInt8(i), count: 600)) == .none, "write \(i)") }
        system.close(f.value)
        let r = system.open("bigfile", .readOnly)
        var total = 0
        while case .success(let chunk) = system.read(r.value, upTo: 300), !chunk.isEmpty {
            expect(chunk.count == 300, "a 300-byte read gave \(chunk.count)")
            expect(chunk.first == UInt8(total / 600) && chunk.last == UInt8(total / 600), "chunk at \(total)")
            total += chunk.count
        }
        system.close(r.value)
        expect(total == 12000, "read \(total) bytes, not 12000")
        expect(system.unlink("bigfile") == .none, "unlink bigfile")
    }

    /// DIRSIZ: a 14-byte name is a name; a 15-byte one is refused (xv6 cuts it short; Rv6 says so).
    func fourteen() {
        expect(system.mkdir("12345678901234") == .none, "mkdir of a 14-byte name")
        expect(system.mkdir("12345678901234/12345678901234") == .none, "mkdir of a 14-byte name inside")
        create("12345678901234/12345678901234/12345678901234", bytes("x"))
        expect(system.open("12345678901234/123456789012345", .create | .readWrite).error == .nameTooLong,
               "a 15-byte name refused")
        expect(system.unlink("12345678901234/12345678901234/12345678901234") == .none, "unlink the file")
        expect(system.unlink("12345678901234/12345678901234") == .none, "unlink the inner directory")
        expect(system.unlink("12345678901234") == .none, "unlink the outer directory")
    }

    func truncate1() {
        create("truncfile", bytes("abcd"))
        let f = system.open("truncfile", .writeOnly | .truncate)
        expect(f.error == .none, "open with truncate: \(f.error)")
        system.close(f.value)
        expect(contents("truncfile") == [], "truncated to nothing")
        create("truncfile", bytes("1234567"))
        expect(contents("truncfile") == bytes("1234567"), "written again")
        expect(system.unlink("truncfile") == .none, "unlink truncfile")
    }

    /// xv6's truncate2: a write through a descriptor whose offset the file's truncation left
    /// past its end fails (xv6 does not fill the hole); nothing breaks.
    func truncate2() {
        let first = system.open("truncfile", .create | .truncate | .writeOnly)
        expect(first.error == .none, "create truncfile: \(first.error)")
        guard first.error == .none else { return }
        expect(system.write(first.value, bytes("abcd")) == .none, "write abcd")
        let second = system.open("truncfile", .truncate | .writeOnly)
        expect(second.error == .none, "open with truncate: \(second.error)")
        let past = system.write(first.value, bytes("x"))
        expect(past != .none, "a write past the end after the truncation succeeded")
        expect(contents("truncfile") == [], "truncfile is empty")
        system.close(first.value)
        if second.error == .none { system.close(second.value) }
        expect(system.unlink("truncfile") == .none, "unlink truncfile")
    }

    /// xv6's bigdir: 500 names for one file, in one directory; all found, then all removed.
    func bigDirectory() {
        create("bd", [])
        func name(_ i: Int) -> String { "x" + String(UnicodeScalar(UInt8(48 + i / 64))) + String(UnicodeScalar(UInt8(48 + i % 64))) }
        for i in 0..<500 {
            let e = system.link("bd", name(i))
            expect(e == .none, "link \(name(i)): \(e)")
            if e != .none { return }
        }
        expect(system.fstat(system.open("bd", .readOnly).value).links == 501, "bd has 501 links")
        for i in 0..<500 {
            let e = system.unlink(name(i))
            expect(e == .none, "unlink \(name(i)): \(e)")
            if e != .none { return }
        }
        expect(system.unlink("bd") == .none, "unlink bd")
    }

    /// xv6's outofinodes: files are created until no inode is left (an error, not a crash);
    /// once they are removed, a file can be created again.
    func outOfInodes() {
        var made = 0
        while made < 1000 {
            let f = system.open("zz\(made)", .create | .readWrite)
            if f.error != .none {
                expect(f.error == .noInodes, "create with no inode left: \(f.error)")
                break
            }
            system.close(f.value)
            made += 1
        }
        expect(made > 0 && made < 1000, "\(made) files before the inodes ran out")
        for i in 0..<made { expect(system.unlink("zz\(i)") == .none, "unlink zz\(i)") }
        create("zzagain", bytes("x"))
        expect(system.unlink("zzagain") == .none, "unlink zzagain")
    }

    /// xv6's diskfull: files of the largest size until no block is left (a short write with
    /// noSpace), then the file system still works: what needs no block succeeds, what needs one
    /// is refused, and once the files are gone the space is back.
    func diskFull() {
        var files = 0
        var full = false
        let block = Array(repeating: UInt8(ascii: "d"), count: DiskFormat.blockSize)
        while !full && files < 100 {
            let f = system.open("bigf\(files)", .create | .writeOnly | .truncate)
            guard f.error == .none else {
                expect(f.error == .noInodes || f.error == .noSpace, "create bigf\(files): \(f.error)")
                break
            }
            files += 1
            for _ in 0..<DiskFormat.maximumFileBlocks {
                let e = system.write(f.value, block)
                if e != .none {
                    expect(e == .noSpace, "a write to a full disk: \(e)")
                    full = true
                    break
                }
            }
            system.close(f.value)
        }
        expect(full, "the disk filled (\(files) files)")
        // A name in the root needs no new block while its directory's last block has room.
        let big = system.open("bigf0", .readOnly)
        expect(big.error == .none, "a full disk still reads")
        if big.error == .none {
            expect(system.read(big.value, upTo: 10) == .success(Array(block.prefix(10))), "bigf0 reads back")
            system.close(big.value)
        }
        expect(system.mkdir("diskfulldir") == .noSpace, "mkdir on a full disk refused")
        for i in 0..<files { expect(system.unlink("bigf\(i)") == .none, "unlink bigf\(i)") }
        create("afterfull", block)
        expect(contents("afterfull")?.count == DiskFormat.blockSize, "the space is back")
        expect(system.unlink("afterfull") == .none, "unlink afterfull")
    }

    // MARK: B

    func dirTest() {
        expect(system.mkdir("dir0") == .none, "mkdir dir0")
        expect(system.chdir("dir0") == .none, "chdir dir0")
        expect(system.chdir("..") == .none, "chdir ..")
        expect(system.unlink("dir0") == .none, "unlink dir0")
    }

    func subdir() {
        create("ff", bytes("ff"))
        expect(system.mkdir("dd") == .none, "mkdir dd")
        create("dd/ff", bytes("ff"))
        expect(system.unlink("dd") == .notEmpty, "unlink of a non-empty dd refused")
        expect(system.mkdir("/dd/dd") == .none, "mkdir /dd/dd")
        create("dd/dd/ff", bytes("FF"))
        expect(contents("dd/../ff") == bytes("ff"), "dd/../ff")
        expect(contents("dd/dd/../ff") == bytes("ff"), "dd/dd/../ff")
        expect(system.link("dd/dd/ff", "dd/dd/ffff") == .none, "link dd/dd/ff dd/dd/ffff")
        expect(system.unlink("dd/dd/ff") == .none, "unlink dd/dd/ff")
        expect(system.open("dd/dd/ff", .readOnly).error == .notFound, "dd/dd/ff is gone")
        expect(system.chdir("dd") == .none && system.chdir("dd/../../dd") == .none, "chdir dd, dd/../../dd")
        expect(system.chdir("dd/../../../dd") == .none, "chdir dd/../../../dd")
        expect(system.chdir("./..") == .none, "chdir ./..")
        expect(contents("dd/dd/ffff") == bytes("FF"), "dd/dd/ffff holds FF")
        expect(system.open("dd/dd/ff", .readOnly).error == .notFound, "still gone")
        expect(system.open("dd/ff/ff", .create | .readWrite).error == .notDirectory, "a file is no directory")
        expect(system.mkdir("dd/ff/ff") == .notDirectory, "mkdir inside a file refused")
        expect(system.open("dd", .readWrite).error == .isDirectory, "a directory is not opened for writing")
        expect(system.link("dd/ff", "dd/dd/ffff") == .exists, "link onto an existing name refused")
        expect(system.mkdir("dd/dd/ffff") == .exists, "mkdir of an existing name refused")
        expect(system.chdir("dd/ff") == .notDirectory, "chdir to a file refused")
        expect(system.unlink("dd/dd/ffff") == .none, "unlink dd/dd/ffff")
        expect(system.unlink("dd/ff") == .none, "unlink dd/ff")
        expect(system.unlink("dd/dd") == .none, "unlink dd/dd")
        expect(system.unlink("dd") == .none, "unlink dd")
        expect(system.unlink("ff") == .none, "unlink ff")
    }

    func rmdot() {
        expect(system.mkdir("dots") == .none, "mkdir dots")
        expect(system.chdir("dots") == .none, "chdir dots")
        expect(system.unlink(".") != .none, "unlink . refused")
        expect(system.unlink("..") != .none, "unlink .. refused")
        expect(system.chdir("/") == .none, "chdir /")
        expect(system.unlink("dots/.") != .none, "unlink dots/. refused")
        expect(system.unlink("dots") == .none, "unlink dots")
    }

    func dirFile() {
        create("dirfile", [])
        expect(system.chdir("dirfile") == .notDirectory, "chdir to a file refused")
        expect(system.open("dirfile/xx", .readOnly).error == .notDirectory, "a path through a file refused")
        expect(system.mkdir("dirfile/xx") == .notDirectory, "mkdir through a file refused")
        expect(system.link("README", "dirfile/xx") != .none, "link through a file refused")
        expect(system.unlink("dirfile") == .none, "unlink dirfile")
        let dot = system.open(".", .readOnly)
        expect(dot.error == .none, "open .")
        if dot.error == .none {
            expect(system.write(dot.value, [0]) == .wrongMode, "a write to a directory opened read-only refused")
            system.close(dot.value)
        }
    }

    /// The inode table does not run out when names come and go (xv6's iref, 50 rounds).
    func iref() {
        for _ in 0..<50 {
            expect(system.mkdir("irefd") == .none, "mkdir irefd")
            expect(system.chdir("irefd") == .none, "chdir irefd")
            create("xx", [])
            expect(system.unlink("xx") == .none, "unlink xx")
        }
        for _ in 0..<50 {
            expect(system.chdir("..") == .none, "chdir ..")
            expect(system.unlink("irefd") == .none, "unlink irefd")
        }
    }

    /// xv6's iput: a process removes its current directory; it lives on until the process
    /// leaves it.
    func iput() {
        expect(system.mkdir("iputdir") == .none, "mkdir iputdir")
        expect(system.chdir("iputdir") == .none, "chdir iputdir")
        expect(system.unlink("../iputdir") == .none, "unlink ../iputdir")
        expect(system.open("x", .create | .readWrite).error != .none, "a file in a removed directory refused")
        expect(system.chdir("/") == .none, "chdir /")
        expect(system.open("iputdir", .readOnly).error == .notFound, "iputdir is gone")
    }

    /// xv6's exitiput: the same, in a child that ends inside the removed directory.
    func exitIput() {
        _ = spawnChild("exitiput")
        for r in waitAll(1) { expect(!r.crashed && r.status == 0, "child: status \(r.status)") }
        expect(system.open("iputdir", .readOnly).error == .notFound, "iputdir is gone")
    }

    /// xv6's openiput: a child opens a directory its parent is removing.
    func openIput() {
        expect(system.mkdir("oidir") == .none, "mkdir oidir")
        _ = spawnChild("openiput")
        _ = system.sleep(1)
        expect(system.unlink("oidir") == .none, "unlink oidir")
        for r in waitAll(1) { expect(!r.crashed && r.status == 0, "child: status \(r.status)") }
    }

    // MARK: C, D

    func fourFiles() {
        let names = ["f0", "f1", "f2", "f3"]
        for (i, name) in names.enumerated() { _ = spawnChild("fill", [name, String(UnicodeScalar(UInt8(48 + i))), "12"]) }
        for r in waitAll(4) { expect(!r.crashed && r.status == 0, "child \(r.pid): status \(r.status)") }
        for (i, name) in names.enumerated() {
            if let all = contents(name) {
                expect(all.count == 6000 && all.allSatisfy { $0 == UInt8(48 + i) }, "\(name): \(all.count) bytes")
            }
            expect(system.unlink(name) == .none, "unlink \(name)")
        }
    }

    func createDelete() {
        for p in ["p", "q", "r", "s"] { _ = spawnChild("createdelete", [p]) }
        for r in waitAll(4) { expect(!r.crashed && r.status == 0, "child \(r.pid): status \(r.status)") }
        for p in ["p", "q", "r", "s"] {
            for i in 0..<20 {
                let exists = system.open("\(p)\(i)", .readOnly)
                // Removed: 1 ... 9 (each i / 2 as i = 2 ... 18); kept: 0 and 10 ... 19.
                let kept = i == 0 || i >= 10
                expect((exists.error == .none) == kept, "\(p)\(i) \(kept ? "kept" : "removed")")
                if exists.error == .none { system.close(exists.value) }
                if kept { _ = system.unlink("\(p)\(i)") }
            }
        }
    }

    /// xv6's concreate: parent and child create or link the same 40 names at once; each name
    /// is then in the directory once, and both remove them all.
    func concreate() {
        _ = spawnChild("concreate")
        concreateRound(linkEvery: 5)
        for r in waitAll(1) { expect(!r.crashed && r.status == 0, "child: status \(r.status)") }
        let dot = system.open(".", .readOnly)
        guard dot.error == .none, let entries = system.directoryEntries(dot.value) else {
            expect(false, "read .")
            return
        }
        system.close(dot.value)
        for i in 0..<40 {
            let n = entries.filter { $0.1 == "C\(i)" }.count
            expect(n == 1, "C\(i) is in the directory \(n) times")
        }
        for i in 0..<40 { _ = system.unlink("C\(i)") }
        expect(system.open("C0", .readOnly).error == .notFound, "all removed")
    }

    /// One side of concreate: name i is a link to C0 where i % linkEvery == 1, else a new file.
    func concreateRound(linkEvery: Int) {
        for i in 0..<40 {
            if i % linkEvery == 1 {
                _ = system.link("C0", "C\(i)")
            } else {
                let f = system.open("C\(i)", .create | .readWrite)
                if f.error == .none { system.close(f.value) }
            }
        }
    }

    /// xv6's linkunlink: parent and child create, link and remove the same few names in
    /// random orders; nothing may break.
    func linkUnlink() {
        _ = spawnChild("linkunlink", ["97"])
        linkUnlinkRound(seed: 1)
        for r in waitAll(1) { expect(!r.crashed && r.status == 0, "child: status \(r.status)") }
        for i in 0..<10 { _ = system.unlink("lu\(i)") }
    }

    func linkUnlinkRound(seed: UInt32) {
        var x = seed
        for _ in 0..<100 {
            x = x &* 1103515245 &+ 12345
            let name = "lu\((x >> 8) % 5)"
            switch (x >> 16) % 3 {
            case 0:
                let f = system.open(name, .create | .readWrite)
                if f.error == .none { system.close(f.value) }
            case 1: _ = system.link("lu\((x >> 4) % 5)", name)
            default: _ = system.unlink(name)
            }
        }
    }

    /// After xv6's manywrites (smaller): four children each write and remove a file of their
    /// own, over and over, at once.
    func manyWrites() {
        for i in 0..<4 { _ = spawnChild("manywrites", ["\(i)"]) }
        for r in waitAll(4) { expect(!r.crashed && r.status == 0, "child \(r.pid): status \(r.status)") }
    }

    /// xv6's truncate3: a child writes and reads a file while its parent truncates it.
    func truncate3() {
        create("truncfile", [])
        _ = spawnChild("truncate3")
        for _ in 0..<150 {
            let f = system.open("truncfile", .create | .writeOnly | .truncate)
            expect(f.error == .none, "open with truncate: \(f.error)")
            if f.error != .none { break }
            expect(system.write(f.value, bytes("xxx")) == .none, "write xxx")
            system.close(f.value)
        }
        for r in waitAll(1) { expect(!r.crashed && r.status == 0, "child: status \(r.status)") }
        expect(system.unlink("truncfile") == .none, "unlink truncfile")
    }

    /// xv6's forkforkfork: processes that spawn themselves fill the table; once told to stop
    /// they end, and the system goes on (their orphans go to init).
    func forkForkFork() {
        _ = system.unlink("stopforking")
        _ = spawnChild("forkforkfork")
        _ = system.sleep(20)
        create("stopforking", [])
        for r in waitAll(1) { expect(!r.crashed, "child: crashed") }
        // Until the orphans have seen the file and ended.
        var n = 0
        while n < 200 && system.spawn(["usertests", "child", "exit", "0"]).error != .none { _ = system.sleep(1); n += 1 }
        _ = system.sleep(10)
        while system.wait().error == .none {}
        expect(system.unlink("stopforking") == .none, "unlink stopforking")
    }

    func sharedFD() {
        let f = system.open("sharedfd", .create | .truncate | .readWrite)
        expect(f.error == .none, "create sharedfd: \(f.error)")
        guard f.error == .none else { return }
        _ = spawnChild("sharedfd", ["c"], descriptors: [0, 1, 2, f.value])
        for _ in 0..<1000 { _ = system.write(f.value, Array(repeating: UInt8(ascii: "p"), count: 10)) }
        for r in waitAll(1) { expect(!r.crashed && r.status == 0, "child: status \(r.status)") }
        system.close(f.value)
        if let all = contents("sharedfd") {
            let c = all.filter { $0 == UInt8(ascii: "c") }.count
            let p = all.filter { $0 == UInt8(ascii: "p") }.count
            expect(c == 10000 && p == 10000, "\(c) c and \(p) p, not 10000 each")
        }
        expect(system.unlink("sharedfd") == .none, "unlink sharedfd")
    }

    func pipe1() {
        let p = system.pipe()
        expect(p.error == .none, "pipe: \(p.error)")
        guard p.error == .none else { return }
        _ = spawnChild("pipewriter", descriptors: [0, p.writeEnd, 2])
        system.close(p.writeEnd)
        var total = 0
        var ok = true
        var cc = 1
        while case .success(let chunk) = system.read(p.readEnd, upTo: cc), !chunk.isEmpty {
            for b in chunk {
                if b != UInt8(total & 0xff) { ok = false }
                total += 1
            }
            cc = min(cc * 2, 3000)
        }
        system.close(p.readEnd)
        expect(ok, "the bytes through the pipe are in order")
        expect(total == 5 * 1033, "\(total) bytes through the pipe, not \(5 * 1033)")
        for r in waitAll(1) { expect(!r.crashed && r.status == 0, "writer: status \(r.status)") }
        let closed = system.pipe()
        system.close(closed.readEnd)
        expect(system.write(closed.writeEnd, [1]) == .brokenPipe, "a write with no reader is a broken pipe")
        system.close(closed.writeEnd)
    }

    /// xv6's preempt: children that spin without a system call do not keep the CPU from their
    /// parent, which reads the byte one of them wrote, kills all three and reaps them. One spins in
    /// String code, not its own.
    func preempt() {
        let start = system.uptime()
        let spinners = [spawnChild("spin"), spawnChild("spin", ["library"])]
        let p = system.pipe()
        expect(p.error == .none, "pipe: \(p.error)")
        guard p.error == .none else { return }
        let writer = spawnChild("spinwriter", descriptors: [0, p.writeEnd, 2])
        system.close(p.writeEnd)
        let byte = system.read(p.readEnd, upTo: 1)
        expect((try? byte.get()) == [UInt8(ascii: "x")], "the spinning writer's byte: \(byte)")
        system.close(p.readEnd)
        for pid in spinners + [writer] { expect(system.kill(pid) == .none, "kill \(pid)") }
        for r in waitAll(3) { expect(r.crashed && r.status == -1, "a killed spinner: pid \(r.pid) crashed \(r.crashed)") }
        // A liveness bound, not a speed figure: about 0.1 s under TCG; a spinner that the timer
        // could preempt only in its own few instructions (not in the String code) kept the CPU
        // from 7 to 30 s.
        let took = system.ticks(since: start)
        expect(took < 200, "the spinners kept the CPU for \(took * 10) ms")
    }

    // MARK: E

    func exitWait() {
        for i in 0..<40 {
            let pid = spawnChild("exit", ["\(i)"])
            let r = system.wait()
            expect(r.pid == pid && r.status == Int32(i) && !r.crashed, "child \(i): pid \(r.pid) status \(r.status)")
        }
        expect(system.wait().error == .noChild, "no child is left")
    }

    func reparent() {
        for _ in 0..<10 {
            _ = spawnChild("grandparent")
            for r in waitAll(1) { expect(r.status == 0, "grandparent: status \(r.status)") }
        }
        // The grandchildren went to init, which reaps them: none is ours.
        expect(system.wait().error == .noChild, "the grandchildren are init's")
    }

    /// xv6's reparent2: a child's child ends as the child does, again and again.
    func reparent2() {
        for _ in 0..<50 {
            _ = spawnChild("grandparent")
            for r in waitAll(1) { expect(r.status == 0, "grandparent: status \(r.status)") }
        }
    }

    /// xv6's forkfork: two children each spawn and wait for 40 of their own at once.
    func forkFork() {
        for _ in 0..<2 { _ = spawnChild("spawnloop", ["40"]) }
        for r in waitAll(2) { expect(!r.crashed && r.status == 0, "child \(r.pid): status \(r.status)") }
    }

    func twoChildren() {
        for _ in 0..<20 {
            _ = spawnChild("exit", ["0"])
            _ = spawnChild("exit", ["0"])
            expect(waitAll(2).count == 2, "both children reaped")
        }
    }

    func killStatus() {
        for _ in 0..<5 {
            let pid = spawnChild("sleeploop")
            _ = system.sleep(2)
            expect(system.kill(pid) == .none, "kill \(pid)")
            let r = system.wait()
            expect(r.pid == pid && r.crashed && r.status == -1, "a killed child: pid \(r.pid) crashed \(r.crashed) status \(r.status)")
        }
        expect(system.kill(99999) == .noSuchProcess, "kill of no process refused")
        expect(system.kill(1) == .notPermitted, "kill of init refused")
    }

    /// Spawns until the process table is full; every one is then reaped.
    func forkTest() {
        var n = 0
        while n < 100 {
            let r = system.spawn(["usertests", "child", "sleep", "1"])
            if r.error != .none {
                expect(r.error == .tooManyProcesses, "spawn refused with \(r.error)")
                break
            }
            n += 1
        }
        expect(n > 0 && n < 100, "\(n) children before the table filled")
        expect(waitAll(n).count == n, "all \(n) reaped")
        expect(system.wait().error == .noChild, "none left")
    }

    // MARK: in place of G

    func badArguments() {
        expect(system.read(99).failureValue == .badDescriptor, "read of fd 99")
        expect(system.read(-1).failureValue == .badDescriptor, "read of fd -1")
        expect(system.write(42, [1]) == .badDescriptor, "write of fd 42")
        expect(system.fstat(77).error == .badDescriptor, "fstat of fd 77")
        expect(system.dup(1000).error == .badDescriptor, "dup of fd 1000")
        let long = String(repeating: "x", count: 200)
        expect(system.open(long, .readOnly).error == .badPath, "a 200-byte path")
        expect(system.open(String(repeating: "y", count: 15), .create | .readWrite).error == .nameTooLong, "a 15-byte name")
        create("ro", [])
        let ro = system.open("ro", .readOnly)
        expect(system.write(ro.value, [1]) == .wrongMode, "a write to a read-only descriptor")
        system.close(ro.value)
        let close = system.open("ro", .readOnly)
        system.close(close.value)
        expect((try? system.kernel.close(close.value)) == .badDescriptor, "a second close")
        expect(system.unlink("ro") == .none, "unlink ro")
        expect(system.sleep(-1) == .invalidArgument, "sleep of -1")
        expect(system.wait().error == .noChild, "wait with no children")
        expect(system.spawn(["nosuchprogram"]).error == .noSuchProgram, "spawn of no program")
        expect(system.spawn(["echo"], descriptors: [0, 55, 2]).error == .badDescriptor, "spawn with a closed descriptor")
        expect(system.spawn(Array(repeating: "arg", count: 17)).error == .argumentsTooLong, "17 arguments")
    }

    /// A process's share of the kernel's object table is bounded: past it, an allocation is
    /// refused with an error (the table stays free for the file system and the drivers).
    func objectQuota() {
        for _ in 0..<2 {
            _ = spawnChild("hoard")
            for r in waitAll(1) { expect(!r.crashed && r.status == 0, "hoard: crashed \(r.crashed) status \(r.status)") }
        }
    }

    /// xv6's mem: a process that allocates until memory runs out crashes alone, and what it
    /// held comes back (twice over, and then a program still runs).
    func memory() {
        for _ in 0..<2 {
            _ = spawnChild("mem")
            for r in waitAll(1) { expect(r.crashed, "mem: status \(r.status), not a crash") }
        }
        _ = spawnChild("exit", ["5"])
        for r in waitAll(1) { expect(r.status == 5, "a program after mem: status \(r.status)") }
    }

    /// A program's trap or CPU exception reaches its parent as a crash; exit is no crash.
    func crashStatus() {
        for (kind, crashes) in [(["trap"], true), (["exception"], true), (["exit", "7"], false)] {
            let started = system.spawn(["crash"] + kind, descriptors: [0, 1, 2])
            expect(started.error == .none, "spawn crash \(kind[0])")
            let r = system.wait()
            expect(r.pid == started.value && r.crashed == crashes && r.status == (crashes ? -1 : 7),
                   "crash \(kind[0]): crashed \(r.crashed) status \(r.status)")
        }
    }
}

extension Result {
    var failureValue: Failure? {
        if case .failure(let e) = self { return e }
        return nil
    }
}
