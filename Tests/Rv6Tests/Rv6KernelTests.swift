@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
import Testing

/// Rv6's kernel, its programs and the shell, on the host: each test boots a fresh kernel,
/// runs a first process to its end and checks what the console shows.
@Suite("Rv6 kernel and programs") struct Rv6KernelTests {
    /// Runs `first` on a fresh Rv6 with `files` on its disk and `input` at the console; the
    /// console's output. Every page and object comes back at shutdown.
    func boot(_ first: [String], files: [(String, [UInt8])] = [], input: String = "") throws -> String {
        try boot(first, files: files, input: input) { $0.output }
    }

    /// The same, with what `result` makes of the rig once the first process has ended.
    func boot<R>(_ first: [String], files: [(String, [UInt8])] = [], input: String = "", _ result: (Rv6Rig) -> R) throws -> R {
        let (value, report) = try HostPlatform.withKernel(KernelConfiguration(objectCapacity: 1024)) { _ in
            let rig = try Rv6Rig(files: files, input: input)
            try rig.run(first)
            return result(rig)
        }
        #expect(report.pagesLeft == 0 && report.objectsLeft == 0, "left accounted: \(report)")
        return value
    }

    func sh(_ line: String, files: [(String, [UInt8])] = []) throws -> String { try boot(["sh", "-c", line], files: files) }

    @Test func echoRunsAsAProcess() throws {
        #expect(try sh("echo hello world") == "hello world\n")
    }

    @Test func pipelinesConnectPrograms() throws {
        #expect(try sh("echo a bb ccc | wc") == "1 3 9 \n")
        #expect(try sh("echo one | cat | cat | grep o") == "one\n")
    }

    @Test func redirectionWritesAndReadsFiles() throws {
        let out = try sh("echo first > f; echo second >> f; cat < f; wc f; rm f; cat f")
        #expect(out.hasPrefix("first\nsecond\n2 2 13 f\n"), "\(out)")
        #expect(out.contains("cat: cannot open f: no such file or directory"), "\(out)")
    }

    @Test func aCrashIsReportedAndTheShellGoesOn() throws {
        let out = try sh("crash; echo after; crash exit 3; echo status")
        #expect(out.contains("sh: crash (pid 2) crashed"), "\(out)")
        #expect(out.contains("after\n"), "\(out)")
        #expect(out.contains("status\n"), "\(out)")
        #expect(!out.contains("(pid 3) crashed"), "exit 3 is an exit, not a crash: \(out)")
    }

    /// `crash DOMAIN`: the file system takes a CPU exception at the next call into it; Rv6 and
    /// the shell go on, and what needs the file system fails with an error.
    @Test func crashInjectsAFaultIntoANamedDomain() throws {
        let out = try sh("crash nosuchdomain; crash sh; crash rv6-host; crash rv6 exception; crash rv6fs exception; echo between; cat README; crash rv6fs; echo still")
        #expect(out.contains("crash: nosuchdomain: no such domain\n"), "\(out)")
        #expect(out.contains("crash: rv6-host runs every process (the Rv6 kernel or its process host): it is not faulted\n"), "\(out)")
        #expect(out.contains("crash: rv6 runs every process (the Rv6 kernel or its process host): it is not faulted\n"), "\(out)")
        #expect(out.contains("crash: sh is a process, whose domain takes no calls: kill it\n"), "\(out)")
        #expect(out.contains("crash: the next call into rv6fs takes a CPU exception\nbetween\n"), "\(out)")
        #expect(out.contains("cat: cannot open README: "), "\(out)")
        // Crashed, it is no longer live: there is nothing to arm.
        #expect(out.contains("crash: rv6fs: no such domain\nstill\n"), "\(out)")
    }

    /// halt powers off with its status once the file system is flushed; after the file system
    /// crashed there is nothing to flush, and it powers off with a failure.
    @Test func haltAfterAFileSystemCrashIsAFailure() throws {
        for (line, expected) in [("halt", Int32(0)), ("crash rv6fs; cat README; halt", 1)] {
            let status = try boot(["sh", "-c", line]) { $0.machine.poweredOff }
            #expect(status == expected, "\(line)")
        }
    }

    /// `kill NAME` ends every other process that runs the program.
    @Test func killByProgramName() throws {
        let out = try sh("usertests child sleeploop & usertests child sleeploop & kill usertests; kill nosuchprogram; echo done")
        #expect(out.contains("kill: no process runs nosuchprogram"), "\(out)")
        #expect(out.hasSuffix("done\n"), "\(out)")
    }

    /// ps: the processes, then the domains, live and crashed, with their threads and holdings.
    @Test func psListsProcessesAndDomains() throws {
        let out = try sh("crash rv6fs exception; cat README; ps")
        let lines = out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(out.contains("PID PPID STATE    DOMAIN THREAD OBJECTS PAGES NAME\n"), "\(out)")
        #expect(lines.contains { $0.count == 8 && $0[2] == "run" && $0[7] == "ps" }, "\(out)")
        #expect(out.contains("\nDOMAIN STATE   RESTARTS THREADS OBJECTS PAGES NAME\n"), "\(out)")
        // ps's own domain (crash's and cat's, reused twice): live, its thread in it, its buffer charged.
        #expect(lines.contains { $0.count == 7 && $0[1] == "live" && $0[2] == "2" && $0[3] == "1" && Int($0[4])! > 0 && $0[6] == "ps" }, "\(out)")
        #expect(lines.contains { $0.count == 7 && $0[1] == "live" && $0[6] == "rv6" }, "\(out)")
        #expect(lines.contains { $0.count == 7 && $0[1] == "crashed" && $0[2] == "0" && $0[3] == "0" && $0[4] == "0" && $0[5] == "0" && $0[6] == "rv6fs" }, "\(out)")
        // The domains of ended processes, kept for the next, are counted, not listed.
        let after = try sh("usertests exitwait killstatus; ps")
        #expect(after.contains("(0 stopped; 1 of ended processes, kept for the next)\n"), "\(after)")
        #expect(!after.contains(" usertests\n"), "\(after)")
    }

    /// benchfs makes, times and removes its files (the figures are information only).
    @Test func benchfsRunsAndCleansUp() throws {
        let out = try sh("benchfs 2; ls; benchfs 0")
        #expect(out.contains("benchfs: small files: 100 created, written (100 B), closed and unlinked in "), "\(out)")
        #expect(out.contains("benchfs: sequential write, 4 KiB: 512 KiB in "), "\(out)")
        #expect(out.contains("benchfs: sequential read, 4 KiB: 512 KiB in "), "\(out)")
        #expect(!out.contains("benchfs."), "its files are gone: \(out)")
        #expect(out.hasSuffix("usage: benchfs [ROUNDS]   (1 to 1000; 4 by default)\n"), "\(out)")
    }

    @Test func syntaxErrorsAndUnknownProgramsAreReported() throws {
        let out = try sh("echo \"unterminated; nosuchprogram; | cat; echo ok")
        #expect(out.contains("sh: syntax error: unterminated quote"), "\(out)")
        let next = try sh("nosuchprogram x; echo ok")
        #expect(next.contains("sh: nosuchprogram: no such program"), "\(next)")
        #expect(next.hasSuffix("ok\n"), "\(next)")
    }

    @Test func directoriesAndCd() throws {
        let out = try sh("mkdir d; cd d; echo inside > g; cd ..; cat d/g; ls d")
        #expect(out.hasPrefix("inside\n"), "\(out)")
        #expect(out.contains("g              2 "), "\(out)")
    }

    @Test func theShellReadsTheConsole() throws {
        // Typed ahead: each line is echoed when the shell reads it.
        let out = try boot(["sh"], input: "echo typed\nexit\n")
        #expect(out == "$ echo typed\ntyped\n$ exit\n", "\(out)")
    }

    /// Under init, as from the shell: orphans go to init, which reaps them. All but preempt and
    /// mem, which run under QEMU (`make qemu-test`): host threads take turns only at blocking
    /// calls, so a spinning program keeps the CPU here, and a program's Swift heap is the host
    /// process's (only the kernel's private heaps bound it).
    @Test func usertestsPass() throws {
        let out = try boot(["init", "-once", "usertests", "--except", "preempt", "mem"])
        #expect(out.contains("ALL TESTS PASSED"), "\(out)")
        #expect(!out.contains("test preempt") && !out.contains("test mem"), "\(out)")
        #expect(out.contains("usertests: 42 tests passed"), "\(out)")
    }

    /// randomcalls prints its seed, and `--seed` replays it.
    @Test func randomCallsReplayFromTheirSeed() throws {
        let out = try boot(["init", "-once", "usertests", "--seed", "12345", "randomcalls"])
        #expect(out.contains("test randomcalls: seed 12345 OK\n"), "\(out)")
        #expect(out.contains("usertests: 1 tests passed"), "\(out)")
        let bad = try boot(["init", "-once", "usertests", "--seed", "x"])
        #expect(bad.contains("usertests: --seed takes a number"), "\(bad)")
    }

    /// randomcalls over 50 seeds (a random base, printed; a failure names its seed, which
    /// `usertests --seed N randomcalls` replays), each on a fresh Rv6, then a file-system test on
    /// the same disk: no call breaks a rule, nothing crashes, nothing is left behind.
    @Test func randomCallsOverManySeeds() throws {
        let base = UInt32.random(in: 1...UInt32.max / 2)
        print("randomcalls: 50 seeds from \(base), step 7919 (replay one: usertests --seed N randomcalls)")
        for i in 0..<50 {
            let seed = base &+ UInt32(i) &* 7919
            let out = try boot(["init", "-once", "usertests", "--seed", "\(seed)", "randomcalls", "fourfiles"])
            #expect(out.contains("ALL TESTS PASSED"), "seed \(seed): \(out)")
        }
    }

    @Test func usertestsRefusesAnUnknownTest() throws {
        let out = try boot(["init", "-once", "usertests", "nosuchtest"])
        #expect(out.contains("usertests: no test nosuchtest"), "\(out)")
        #expect(!out.contains("ALL TESTS PASSED"), "\(out)")
    }
}
