@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import LeafBoot
import Rv6FSDomain

/// Rv6's file system in its domain, over the NVMe driver on QEMU's second controller, whose
/// disk is the image `swift run mkfs` made of rv6/ (boot/qemu.sh): mounted, the README read
/// back, a file written across direct and indirect blocks, read back, a directory made, a name
/// unlinked, synced. After QEMU exits, boot/qemu.sh runs fsck on the image.
extension SelfTest {
    static func rv6fs() {
        print("step: rv6fs")
        guard let graph, let fs = graph.proxy(FileSystemProxy.self, of: "rv6fs") else { check(false, "the manifest's rv6fs domain"); return }
        do throws(RpcError) {
            let mounted = try fs.mountStatus()
            check(mounted.problem == .none, "the file system on the second NVMe controller mounts: \(mounted.description)")
            guard mounted.problem == .none else { return }
            let readme = bytes(try fs.readFile("/README"))
            let expected = "Rv6: a POSIX subset after xv6-riscv"
            check(readme.map { $0.starts(with: Array(expected.utf8)) } ?? false,
                  "/README, written by mkfs on the host, reads back (\(readme?.count ?? 0) bytes)")
            // 20 KiB: 12 direct blocks and 8 through the indirect block.
            let pattern = (0..<20_480).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 9) }
            let start = Clock.now
            let written = try fs.writeFile("/selftest", pattern) == .none
            let back = bytes(try fs.readFile("/selftest"))
            let ms = max(1, (Clock.now - start) / max(1, Clock.tscPerMs))
            check(written && back == pattern, "/selftest: 20 KiB written and read back through the log, the cache and the NVMe driver (\(ms) ms)")
            let made = try fs.makeDirectory(try path("/selftest.d"), from: .none) == .none
            let inside = try fs.writeFile("/selftest.d/gone", [1, 2, 3]) == .none
            let notEmpty = try fs.unlink(try path("/selftest.d"), from: .none) == .notEmpty
            let unlinked = try fs.unlink(try path("/selftest.d/gone"), from: .none) == .none
            check(made && inside && notEmpty && unlinked,
                  "a directory made, a file written in it, the directory refused removal while not empty, the file unlinked")
            check(try fs.unlink(try path("/selftest.d"), from: .none) == .none, "the emptied directory removed")
            check(try fs.open(try path("/missing/x"), from: .none, flags: .create | .writeOnly).error == .notFound,
                  "a path through a missing directory is refused (not found)")
            benchfs(fs)
            check(try fs.sync() == .none, "synced")
            let s = try fs.statistics()
            print("rv6fs: 20 KiB written and read back in \(ms) ms under QEMU; \(s.commits) transactions, \(s.deviceReads) device reads, \(s.deviceWrites) device writes, \(s.cacheHits) cache hits, \(s.freeBlocks) blocks and \(s.freeInodes) inodes free")
        } catch {
            check(false, "the file system's domain failed a call: \(error)")
        }
    }

    /// benchfs under QEMU, information only: 4 KiB sequential writes of a 256 KiB file, then
    /// reads of it, in kB/s of the TSC's time (TCG makes these a measure of QEMU, not of Rv6).
    static func benchfs(_ fs: FileSystemProxy) {
        let blocks = 64
        var buffer: RRef<FileData>
        do { buffer = try RRef(FileData(length: FileData.capacity)) } catch { check(false, "benchfs: no buffer"); return }
        do throws(RpcError) {
            let o = try fs.open(try path("/benchfs"), from: .none, flags: .create | .readWrite | .truncate)
            guard o.error == .none else { check(false, "benchfs: open: \(o.error)"); return }
            var ok = true
            let writeStart = Clock.now
            for i in 0..<blocks {
                try? buffer.write(UInt32(FileData.capacity), to: FileData.lengthField)
                buffer = try fs.write(o.handle, at: UInt64(i * 4096), from: buffer)
                ok = ok && (try? buffer.read(FileData.lengthField)) == 4096
            }
            let writeTicks = max(1, Clock.now - writeStart)
            let readStart = Clock.now
            for i in 0..<blocks {
                try? buffer.write(UInt32(FileData.capacity), to: FileData.lengthField)
                buffer = try fs.read(o.handle, at: UInt64(i * 4096), into: buffer)
                ok = ok && (try? buffer.read(FileData.lengthField)) == 4096
            }
            let readTicks = max(1, Clock.now - readStart)
            _ = try fs.close(o.handle)
            let removed = try fs.unlink(try path("/benchfs"), from: .none) == .none
            ok = ok && removed
            check(ok, "benchfs: a 256 KiB file written and read in 4 KiB calls, then removed")
            // bytes / (ticks / ticks per ms) = bytes per ms = kB/s.
            let perMs = max(1, Clock.tscPerMs)
            let bytes = UInt64(blocks * 4096)
            print("rv6fs: benchfs under QEMU: sequential 4 KiB writes \(bytes * perMs / writeTicks) kB/s, reads \(bytes * perMs / readTicks) kB/s (a 256 KiB file; information only)")
        } catch { check(false, "benchfs: \(error)") }
    }

    /// The bytes read, or nil (Embedded Swift has no `try?` across two error types).
    static func bytes(_ read: Result<[UInt8], SystemError>) -> [UInt8]? {
        if case .success(let b) = read { return b }
        return nil
    }

    static func path(_ p: String) throws(RpcError) -> RRef<PathName> {
        do { return try RRef(PathName(p)) } catch { throw .invalidArgument }
    }
}
