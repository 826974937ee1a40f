import CLeafKernel
import LeafBoot
@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProcesses
@_spi(Kernel) import LeafProxies
import ProgramsDomain
import Rv6KernelDomain

/// The machine as Rv6's platform: the kernel's threads, the TSC and COM1.
final class KernelMachine: ThreadPlatform {
    let frames: FrameAllocator
    init(frames: FrameAllocator) { self.frames = frames }

    func spawn(program: DomainID, _ body: @escaping () -> Void) throws(KernelError) -> ThreadID {
        let t = try Threads.spawn(home: .kernel, frames: frames, body)
        Threads.contexts.unsafelyUnwrapped[Int(t.raw)].program = program
        return t
    }

    func block() -> Bool {
        let enabled = leaf_irq_save()
        defer { leaf_irq_restore(enabled) }
        let old = Kernel.runningThread
        do {
            let new = try Kernel.block()
            Threads.switchStacks(from: old, to: new)
            return true
        } catch {
            return false
        }
    }

    func wake(_ thread: ThreadID) {
        let enabled = leaf_irq_save()
        defer { leaf_irq_restore(enabled) }
        do throws(KernelError) { try Kernel.wake(thread) } catch {}
    }

    func yield() -> Bool {
        guard !Kernel.runQueue.isEmpty else { return false }
        Threads.yield()
        return true
    }

    /// Until the next interrupt (the 1 ms timer at the latest).
    func idle() {
        let enabled = leaf_interrupts_enabled()
        leaf_sti()
        leaf_hlt()
        if !enabled { leaf_cli() }
    }
    func finished(_ thread: ThreadID) -> Bool { Threads.finished(thread) }
    func reap(_ thread: ThreadID) { do throws(KernelError) { try Threads.reap(thread, frames: frames) } catch {} }
    var milliseconds: UInt64 { Clock.now / max(1, Clock.tscPerMs) }
    func writeConsole(_ bytes: [UInt8]) { for b in bytes { leaf_serial_put(b) } }

    func readConsole(upTo count: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        while bytes.count < count {
            let c = leaf_serial_get()
            if c < 0 { break }
            bytes.append(UInt8(truncatingIfNeeded: c))
        }
        return bytes
    }

    /// The file system was synced by Rv6's halt: QEMU exits with the kernel's success or
    /// failure status.
    func powerOff(_ status: Int32) {
        print("rv6: halt with status \(status); powering off (the timer preempted program code \(Threads.programPreemptions) times in \(Threads.ticks) ticks)")
        leaf_qemu_exit(UInt8(status == 0 ? LEAF_EXIT_SUCCESS : LEAF_EXIT_FAILURE))
    }
}

/// `leaf.rv6` on the command line: the kernel boots Rv6 (init, then the shell on COM1) over
/// the domains the manifest made, instead of the self-test.
enum Rv6Boot {
    static func run(graph: BootGraph, frames: FrameAllocator, initArguments: [String] = ["init"]) -> Never {
        let fs = graph.proxy(FileSystemProxy.self, of: "rv6fs")
        if let fs, let mounted = try? fs.mountStatus() {
            print("rv6: disk \(mounted.problem == .none ? "mounted" : "not mounted: \(mounted.description)")")
        } else {
            print("rv6: no disk (a second NVMe controller with an Rv6 image)")
        }
        final class Made { var processes: Processes? = nil }
        let made = Made()
        let machine = KernelMachine(frames: frames)
        let programs = ProgramTable(Rv6Programs.all)
        do throws(KernelError) {
            let host = try ProcessHostProxy.spawn(name: "rv6-host") {
                let p = Processes(platform: machine, programs: programs)
                made.processes = p
                return p
            }
            let rv6 = try Rv6SystemProxy.spawn(name: "rv6") { Rv6Kernel(fileSystem: fs, host: host) }
            guard let processes = made.processes else { fatalError("rv6: the process host did not start") }
            processes.system = rv6
            print("rv6: \(programs.names.count) programs: \(programs.names.joined(separator: " "))")
            guard let list = ArgumentList(initArguments), let request = try? RRef(SpawnRequest(arguments: list, descriptors: [])),
                  let booted = try? rv6.boot(request), booted.error == .none else {
                print("rv6: cannot start \(initArguments.joined(separator: " "))")
                leaf_qemu_exit(UInt8(LEAF_EXIT_FAILURE))
            }
            // This thread is the idle loop from here on; halt powers the machine off.
            processes.runUntil { false }
        } catch {
            print("rv6: cannot create its domains: \(error)")
        }
        leaf_qemu_exit(UInt8(LEAF_EXIT_FAILURE))
    }
}
