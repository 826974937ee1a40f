import Glibc
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProcesses
@_spi(Kernel) import LeafProxies
import ProgramsDomain
import RamDiskDomain
import Rv6FSDomain
import Rv6KernelDomain

/// The host as Rv6's platform: host threads taking turns, the wall clock, and a console that
/// reads a script and records what was written.
final class HostMachine: ThreadPlatform {
    let threads = HostThreads()
    var input: [UInt8]
    var output: [UInt8] = []
    var poweredOff: Int32? = nil
    let started = HostMachine.now

    init(input: String) { self.input = Array(input.utf8) }

    static var now: UInt64 {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return UInt64(t.tv_sec) * 1000 + UInt64(t.tv_nsec) / 1_000_000
    }

    /// Host threads take turns only at blocking calls: a program is not preempted here.
    func spawn(program: DomainID, _ body: @escaping () -> Void) throws(KernelError) -> ThreadID { try threads.spawn(body) }
    func block() -> Bool { threads.block() }
    func wake(_ thread: ThreadID) { threads.wake(thread) }
    func yield() -> Bool { threads.yield() }
    func idle() { usleep(200) }
    func finished(_ thread: ThreadID) -> Bool { threads.finished(thread) }
    func reap(_ thread: ThreadID) { threads.reap(thread) }
    var milliseconds: UInt64 { HostMachine.now - started }
    func writeConsole(_ bytes: [UInt8]) { output += bytes }
    func readConsole(upTo count: Int) -> [UInt8] {
        let n = min(count, input.count)
        let taken = Array(input.prefix(n))
        input.removeFirst(n)
        return taken
    }
    func powerOff(_ status: Int32) { poweredOff = status }
    var text: String { String(decoding: output, as: UTF8.self) }
}

/// Rv6 on the host: a RAM disk formatted with `files`, the file system, the trusted process
/// host, the Rv6 kernel and its programs, each in its domain, with `first` as the first
/// process and `input` typed at the console. Runs until every process has ended or halt.
/// Call inside `HostPlatform.withKernel`.
final class Rv6Rig {
    let machine: HostMachine
    let disk: RamDisk
    let processes: Processes
    let rv6: Rv6SystemProxy

    enum RigError: Error { case format(String), boot(SystemError) }

    init(files: [(String, [UInt8])] = [], input: String = "", blocks: Int = 2000) throws {
        machine = HostMachine(input: input)
        let disk = RamDisk(blocks: (blocks + 3) / 4)
        self.disk = disk
        let device = try BlockDeviceProxy.spawn(name: "ramdisk") { disk }
        final class Made { var problem: String? = nil; var processes: Processes? = nil }
        let made = Made()
        let fs = try FileSystemProxy.spawn(name: "rv6fs") {
            made.problem = Rv6FS.format(device, size: blocks, inodes: 200)
            let fs = Rv6FS(device: device, cacheSlots: 48)
            for (name, bytes) in files { _ = try? fs.writeFile(name, bytes) }
            return fs
        }
        if let problem = made.problem { throw RigError.format(problem) }
        let machine = self.machine
        let host = try ProcessHostProxy.spawn(name: "rv6-host") {
            let p = Processes(platform: machine, programs: ProgramTable(Rv6Programs.all))
            made.processes = p
            return p
        }
        processes = made.processes!
        rv6 = try Rv6SystemProxy.spawn(name: "rv6") { Rv6Kernel(fileSystem: fs, host: host) }
        processes.system = rv6
    }

    /// Boots `first` (init's arguments) and runs until every process has ended, or halt.
    func run(_ first: [String]) throws {
        let request = try RRef(SpawnRequest(arguments: ArgumentList(first)!, descriptors: []))
        let booted = try rv6.boot(request)
        guard booted.error == .none else { throw RigError.boot(booted.error) }
        processes.runUntil { processes.allFinished || machine.poweredOff != nil }
        // The first process has no parent to reap it.
        processes.reapFinished()
    }

    var output: String { machine.text }
}
