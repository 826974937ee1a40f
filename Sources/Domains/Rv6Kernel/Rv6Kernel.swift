import LeafInterfaces
import LeafSDK

/// Rv6's kernel: xv6's proc.c, file.c, pipe.c, console.c and sysfile.c, as a domain. It keeps
/// every process's state (its ID, parent, descriptors, current directory, how it ended), the
/// system's open files and pipes and the console's line discipline, over the file system and
/// the trusted `ProcessHost`, which makes a process's domain and thread. A process is told
/// apart by the thread that calls. This file holds the state; Processes.swift, Files.swift,
/// Pipes.swift, Console.swift and FileCalls.swift the calls, one idea each.
public final class Rv6Kernel {
    let fileSystem: (any FileSystem)?
    let host: any ProcessHost

    var processes: [Process] = []
    var nextPID: Int32 = 1
    var files: [OpenFile?] = Array(repeating: nil, count: Rv6Kernel.openFileLimit)
    var pipes: [Pipe?] = Array(repeating: nil, count: Rv6Kernel.pipeLimit)
    /// The pipes' rings, one slot each.
    var rings: RRefArray<FileData, 16>
    var console = ConsoleState()

    /// xv6's NPROC (bounded by the kernel's 16 threads: one is the boot thread's, one spare),
    /// NOFILE and NFILE; pipes are bounded by the rings' container.
    static var processLimit: Int { 14 }
    static var descriptorLimit: Int { 16 }
    static var openFileLimit: Int { 100 }
    static var pipeLimit: Int { 16 }

    /// `fileSystem` nil: no disk; every call that needs one answers `noFileSystem`.
    public init(fileSystem: (any FileSystem)?, host: any ProcessHost) {
        self.fileSystem = fileSystem
        self.host = host
        // No shared-heap room for the rings' container: this domain cannot work, and its
        // creation fails (a trap here is contained like any domain's).
        guard let made = try? RRefArray<FileData, 16>() else { fatalError("rv6: no shared-heap room for the pipes") }
        rings = made
    }

    /// What a process is waiting for when it sleeps (xv6's sleep channel).
    enum Channel: Equatable {
        case child(Int32)
        case pipe(Int)
        case console
        case timer
    }

    /// Sleeps the calling process on `channel` until a `wakeup` of it (or a spurious return):
    /// callers check again what they wait for, as xv6's do. Single CPU, and the kernel is not
    /// preempted, so nothing can happen between a caller's check and this.
    func sleep(_ index: Int, on channel: Channel, until deadline: UInt64 = 0) {
        processes[index].sleeping = channel
        let thread = processes[index].thread
        do throws(RpcError) { try host.pause(until: deadline) } catch {}
        // The table may have changed while others ran: find the process again by its thread.
        if let i = processIndex(thread: thread) { processes[i].sleeping = nil }
    }

    func wakeup(_ channel: Channel) {
        for p in processes where p.sleeping == channel {
            do throws(RpcError) { try host.wake(p.thread) } catch {}
        }
    }
}
