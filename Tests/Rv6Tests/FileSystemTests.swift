import FSCheck
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import RamDiskDomain
import Rv6FSDomain
import Testing

/// Rv6's file system through its proxy: what each operation does and refuses, mount's checks,
/// and fsck's view of what it wrote.
@Suite struct FileSystemTests {
    static func bytes(_ n: Int, seed: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7 &+ $0 >> 8) } }

    @Test func filesAndDirectoriesAreWrittenReadLinkedAndRemovedAndTheImageIsClean() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try FSRig()
            #expect(try rig.fs.mountStatus().problem == .none)
            // The largest file xv6 allows (12 direct + 256 indirect blocks), and one byte more.
            let big = Self.bytes(DiskFormat.maximumFileBlocks * DiskFormat.blockSize, seed: 1)
            #expect(try rig.put("/big", big) == .none)
            #expect(try rig.contents("/big") == .success(big))
            let o = try rig.open("/big", .writeOnly)
            #expect(try rig.write(o.handle, at: big.count, [1]) == (0, .fileTooLarge))
            #expect(try rig.fs.status(o.handle).size == UInt64(big.count))
            #expect(try rig.fs.close(o.handle) == .none)
            #expect(try rig.fs.close(o.handle) == .badHandle)

            #expect(try rig.fs.makeDirectory(try rig.path("/d"), from: .none) == .none)
            #expect(try rig.fs.makeDirectory(try rig.path("/d"), from: .none) == .exists)
            #expect(try rig.put("/d/f", Self.bytes(5000, seed: 2)) == .none)
            #expect(try rig.fs.link(try rig.path("/d/f"), to: try rig.path("/g"), from: .none) == .none)
            #expect(try rig.fs.link(try rig.path("/d"), to: try rig.path("/h"), from: .none) == .isDirectory)
            #expect(try rig.fs.unlink(try rig.path("/d"), from: .none) == .notEmpty)
            #expect(try rig.fs.unlink(try rig.path("/d/f"), from: .none) == .none)
            #expect(try rig.contents("/g") == .success(Self.bytes(5000, seed: 2)))
            #expect(try rig.fs.unlink(try rig.path("/d"), from: .none) == .none)
            // A relative path from an open directory.
            #expect(try rig.fs.makeDirectory(try rig.path("/e"), from: .none) == .none)
            let e = try rig.open("/e", .readOnly)
            #expect(e.type == .directory)
            #expect(try rig.put("/e/x", [7, 8, 9]) == .none)
            let x = try rig.open("x", .readOnly, from: e.handle)
            #expect(x.error == .none)
            #expect(try rig.read(x.handle, at: 1, count: 10) == ([8, 9], .none))
            _ = try rig.fs.close(x.handle)
            _ = try rig.fs.close(e.handle)
            #expect(try rig.fs.sync() == .none)
            let report = rig.check()
            #expect(report.isClean, "\(report.problems)")
            #expect(report.inodesInUse == 5)   // the root, /big, /g (once /d/f), /e, /e/x
        }
    }

    @Test func badArgumentsGetErrorsAndChangeNothing() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try FSRig()
            #expect(try rig.open("/missing", .readOnly).error == .notFound)
            #expect(try rig.open("", .readOnly).error == .badPath)
            #expect(try rig.open("/" + String(repeating: "a", count: 15), .create | .writeOnly).error == .nameTooLong)
            #expect(try rig.open("/" + String(repeating: "a", count: 100) + "/b", .readOnly).error == .nameTooLong)
            #expect(try rig.open(String(repeating: "/a", count: 65), .readOnly).error == .badPath)   // 130 bytes
            #expect(try rig.open("/a\u{0}b", .create).error == .badPath)
            #expect(try rig.open("/", .writeOnly).error == .isDirectory)
            #expect(try rig.put("/f", [1, 2, 3]) == .none)
            #expect(try rig.open("/f/g", .create | .writeOnly).error == .notDirectory)
            #expect(try rig.fs.makeDirectory(try rig.path("/f"), from: .none) == .exists)
            #expect(try rig.fs.unlink(try rig.path("/"), from: .none) == .badPath)
            #expect(try rig.fs.unlink(try rig.path("/."), from: .none) == .badPath)
            #expect(try rig.fs.status(FileHandle(raw: 0x0001_0063)).error == .badHandle)
            #expect(try rig.fs.close(FileHandle(raw: 12345)) == .badHandle)
            let f = try rig.open("/f", .readWrite)
            #expect(try rig.write(f.handle, at: 10, [1]).1 == .invalidArgument)   // past the end: a hole
            var oversized = FileData(length: 0)
            oversized.length = 5000
            let back = try rig.fs.write(f.handle, at: 0, from: try RRef(oversized))
            #expect(try back.read(FileData.errorField) == .invalidArgument)
            // A 14-byte name is a whole entry, with no NUL.
            #expect(try rig.put("/" + String(repeating: "n", count: 14), [4]) == .none)
            #expect(try rig.contents("/" + String(repeating: "n", count: 14)) == .success([4]))
            _ = try rig.fs.close(f.handle)
            #expect(rig.check().isClean)
            #expect(try rig.tree().count == 2)
        }
    }

    @Test func anUnlinkedFileLivesUntilItsLastClose() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try FSRig()
            #expect(try rig.put("/t", Self.bytes(20_000, seed: 3)) == .none)
            let before = try rig.fs.statistics().freeBlocks
            let t = try rig.open("/t", .readOnly)
            #expect(try rig.fs.unlink(try rig.path("/t"), from: .none) == .none)
            #expect(try rig.open("/t", .readOnly).error == .notFound)
            #expect(try rig.read(t.handle, at: 19_990, count: 100).0 == Array(Self.bytes(20_000, seed: 3)[19_990...]))
            // Its inode is not reused while open.
            #expect(try rig.put("/u", [1]) == .none)
            #expect(try rig.fs.status(t.handle).inode != (try rig.fs.status(try rig.open("/u", .readOnly).handle)).inode)
            #expect(try rig.fs.close(t.handle) == .none)
            #expect(try rig.fs.statistics().freeBlocks == before + 21 - 1)   // 20 blocks and the indirect back, 1 to /u
        }
    }

    @Test func aRemovedDirectoryStillOpenTakesNoNewNames() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try FSRig()
            #expect(try rig.fs.makeDirectory(try rig.path("/d"), from: .none) == .none)
            let d = try rig.open("/d", .readOnly)
            #expect(try rig.fs.unlink(try rig.path("/d"), from: .none) == .none)
            #expect(try rig.open("x", .create | .writeOnly, from: d.handle).error == .notFound)
            #expect(try rig.fs.makeDirectory(try rig.path("y"), from: d.handle) == .notFound)
            #expect(try rig.fs.close(d.handle) == .none)
            let report = rig.check()
            #expect(report.isClean, "\(report.problems)")
        }
    }

    /// A disk whose writes fail: every operation that changes it fails with ioError and leaves
    /// it as it was; none exhausts the cache (each failed commit gives its slots back); once the
    /// disk works again, so does everything, and the image is clean.
    @Test func failingWritesFailTheOperationAndLoseNothingCommitted() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try FSRig(RamDisk(blocks: 500), format: (2000, 200), cacheSlots: 16)
            #expect(try rig.put("/kept", Self.bytes(5000, seed: 12)) == .none)
            rig.disk.failing = true
            for i in 0..<40 {
                #expect(try rig.put("/lost\(i)", Self.bytes(100, seed: i)) == .ioError)
                #expect(try rig.fs.makeDirectory(try rig.path("/dir\(i)"), from: .none) == .ioError)
            }
            #expect(try rig.contents("/kept") == .success(Self.bytes(5000, seed: 12)))
            rig.disk.failing = false
            #expect(try rig.put("/after", [1, 2, 3]) == .none)
            let tree = try rig.tree()
            #expect(Set(tree.keys) == ["/kept", "/after"])
            let report = rig.check()
            #expect(report.isClean, "\(report.problems)")
        }
    }

    /// Writes that start failing at each point of an operation's commit (log, header, home,
    /// header cleared): the operation fails or not, and once the disk works again the next
    /// operation finds the log recovered: the failed one is there whole or not at all.
    @Test func writesFailingAtEachPointOfACommitLeaveAConsistentDisk() throws {
        _ = try HostPlatform.withKernel { _ in
            var outcomes: Set<String> = []
            for k in 0..<10 {
                let rig = try FSRig(RamDisk(blocks: 500), format: (2000, 200), cacheSlots: 16)
                #expect(try rig.put("/kept", [9]) == .none)
                #expect(try rig.fs.makeDirectory(try rig.path("/d"), from: .none) == .none)
                rig.disk.writesBeforeFailing = k
                let made = try rig.fs.makeDirectory(try rig.path("/d/e"), from: .none)
                rig.disk.writesBeforeFailing = nil
                rig.disk.failing = false
                #expect(try rig.put("/after", [1]) == .none)
                let tree = try rig.tree()
                let present = tree["/d/e"] != nil
                #expect(made == .none ? present : made == .ioError, "failing after \(k) writes: \(made)")
                #expect(tree["/kept"] == .some([9]) && tree["/after"] == .some([1]))
                outcomes.insert("\(made) \(present)")
                let report = rig.check()
                #expect(report.isClean, "failing after \(k) writes: \(report.problems)")
            }
            // Failed before the commit point (not there), after it (there), and not at all.
            #expect(outcomes == ["I/O error false", "I/O error true", "no error true"])
        }
    }

    @Test func fullDisksAndInodeTablesAreRefusedAndTheImageStaysClean() throws {
        _ = try HostPlatform.withKernel { _ in
            let rig = try FSRig(size: 200, inodes: 32)
            var made = 0
            while try rig.put("/f\(made)", [UInt8(made)]) == .none { made += 1 }
            #expect(made == 32 - 2)   // inode 0 unused, inode 1 the root
            #expect(try rig.open("/more", .create | .writeOnly).error == .noInodes)
            #expect(try rig.fs.unlink(try rig.path("/f0"), from: .none) == .none)
            let big = Self.bytes(200 * 1024, seed: 4)
            #expect(try rig.put("/big", big) == .noSpace)
            let s = try rig.fs.status(try rig.open("/big", .readOnly).handle)
            #expect(s.size > 0 && s.size < UInt64(big.count))
            #expect(try rig.fs.statistics().freeBlocks == 0)
            let report = rig.check()
            #expect(report.isClean, "\(report.problems)")
        }
    }

    @Test func anImageWrittenOnTheRAMDiskMountsAndReadsOnTheNVMeDriverAndBack() throws {
        _ = try HostPlatform.withKernel { _ in
            let ram = try FSRig()
            #expect(try ram.put("/a", Self.bytes(30_000, seed: 10)) == .none)
            #expect(try ram.fs.makeDirectory(try ram.path("/d"), from: .none) == .none)
            let nvme = try FSRig.onNVMe(image: ram.image())
            #expect(try nvme.fs.mountStatus().problem == .none)
            #expect(try nvme.contents("/a") == .success(Self.bytes(30_000, seed: 10)))
            #expect(try nvme.put("/d/b", Self.bytes(9000, seed: 11)) == .none)
            #expect(try nvme.fs.unlink(try nvme.path("/a"), from: .none) == .none)
            #expect(try nvme.fs.sync() == .none)
            #expect(nvme.check().isClean)
            // Every block went through the driver: the cache's buffers are the requests it moved.
            #expect(try nvme.device.statistics().completed > 0 && nvme.device.statistics().errors == 0)
            let back = try FSRig(RamDisk(image: nvme.image()))
            var expected: [String: [UInt8]?] = [:]
            expected["/d"] = .some(nil)
            expected["/d/b"] = .some(Self.bytes(9000, seed: 11))
            #expect(try back.tree() == expected)
        }
    }

    @Test func mountRefusesForeignAndCorruptDisksWithTheReason() throws {
        _ = try HostPlatform.withKernel { _ in
            func mounted(_ image: [UInt8]) throws -> MountStatus {
                let rig = try FSRig(RamDisk(image: image))
                let status = try rig.fs.mountStatus()
                // Refused, every operation fails (none crashes the domain).
                if status.problem != .none { #expect(try rig.open("/x", .create | .writeOnly).error != .none) }
                return status
            }
            let good = try FSRig().disk.image()
            #expect(try mounted(good).problem == .none)
            var bad = good
            bad[1024] = 0x41
            let status = try mounted(bad)
            #expect(status.problem == .badMagic && status.description.contains("0x10203041"))
            bad = good
            bad[1024 + 4] = 0xff; bad[1024 + 5] = 0xff   // size 65535+ blocks on a 2000-block disk
            #expect(try mounted(bad).problem == .badSize)
            bad = good
            bad[1024 + 24] = 3   // inodes start inside the log
            #expect(try mounted(bad).problem == .badLayout)
            bad = good
            bad[2048] = 200   // a log header naming 200 blocks
            #expect(try mounted(bad).problem == .badLogHeader)
            bad = good
            bad[1024 + 16] = 2   // a log of 2 blocks: too small for an operation
            #expect(try mounted(bad).problem == .badLayout)
            bad = good
            bad[32 * 1024 + 64] = 2   // the root a file
            #expect(try mounted(bad).problem == .badRoot)
            #expect(try mounted([UInt8](repeating: 0, count: 4096 * 10)).problem == .badMagic)
        }
    }
}
