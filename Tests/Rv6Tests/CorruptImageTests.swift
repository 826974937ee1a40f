import FSCheck
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import PropertyBased
import RamDiskDomain
import Testing

/// Mutated images: fsck reports and never traps; the file system refuses them at mount or
/// answers each operation with an error, and its domain never crashes.
@Suite struct CorruptImageTests {
    /// A small tree: files of 1, 12 and 40 blocks (the last with an indirect block), a directory.
    static func image() throws -> [UInt8] {
        let rig = try FSRig()
        #expect(try rig.put("/small", FileSystemTests.bytes(700, seed: 5)) == .none)
        #expect(try rig.put("/twelve", FileSystemTests.bytes(12 * 1024, seed: 6)) == .none)
        #expect(try rig.fs.makeDirectory(try rig.path("/dir"), from: .none) == .none)
        #expect(try rig.put("/dir/large", FileSystemTests.bytes(40 * 1024, seed: 7)) == .none)
        return rig.disk.image()
    }

    @Test func mutatedImagesAreRefusedOrAnsweredWithErrorsNeverACrash() async throws {
        let sequences = 300
        print("rv6fs corrupt images: \(sequences) images with 1-8 mutated bytes of metadata (seed printed on failure)")
        let good = try HostPlatform.withKernel { _ in try Self.image() }.0
        #expect(FSCheck.check(good).isClean)
        final class Counts { var refused = 0, mounted = 0, flagged = 0 }
        let counts = Counts()
        await propertyCheck(count: sequences, input: Gen.uint32().array(of: 1...8)) { raw in
            var bad = good
            for r in raw {
                // The superblock, the log header, the inodes, the bitmap, the root and /dir's blocks.
                let regions = [(1024, 32), (2048, 124), (32 * 1024, 13 * 1024), (45 * 1024, 1024), (46 * 1024, 2048)]
                let (start, length) = regions[Int(r % 5)]
                bad[start + Int(r >> 8) % length] = UInt8(truncatingIfNeeded: r >> 24)
            }
            if !FSCheck.check(bad).isClean { counts.flagged += 1 }
            do {
                try HostPlatform.withKernel { _ in
                    let rig = try FSRig(RamDisk(image: bad))
                    if try rig.fs.mountStatus().problem != .none {
                        counts.refused += 1
                        return
                    }
                    counts.mounted += 1
                    // Every call returns (an error or not); a crash of the domain would throw.
                    for p in ["/small", "/twelve", "/dir/large", "/dir", "/"] { _ = try rig.contents(p) }
                    _ = try rig.put("/new", FileSystemTests.bytes(3000, seed: 8))
                    _ = try rig.put("/dir/large", FileSystemTests.bytes(5000, seed: 9))
                    _ = try rig.fs.unlink(try rig.path("/twelve"), from: .none)
                    _ = try rig.fs.unlink(try rig.path("/dir/large"), from: .none)
                    _ = try rig.fs.makeDirectory(try rig.path("/dir/sub"), from: .none)
                    _ = try rig.fs.link(try rig.path("/small"), to: try rig.path("/dir/s"), from: .none)
                    _ = try rig.fs.statistics()
                }
            } catch { Issue.record("\(error)\ninput: \(raw)") }
        }
        print("rv6fs corrupt images: \(counts.refused) refused at mount, \(counts.mounted) mounted and used, \(counts.flagged) flagged by fsck")
        #expect(counts.refused > 0 && counts.mounted > 0 && counts.flagged > 0)
    }

    @Test func aNameForAnUnlinkedInodeIsRefusedAndItsHandleSlotsAreNotKept() throws {
        let good = try HostPlatform.withKernel { _ in try Self.image() }.0
        var bad = good
        bad[32 * 1024 + 2 * 64 + 6] = 0   // /small: 0 links, yet named
        _ = try HostPlatform.withKernel { _ in
            let rig = try FSRig(RamDisk(image: bad))
            // More opens than the open-inode table holds: none is kept by a failed open.
            for _ in 0..<150 { #expect(try rig.open("/small", .readOnly).error == .corrupt) }
            #expect(try rig.open("/twelve", .readOnly).error == .none)
        }
    }

    @Test func fsckNamesWhatIsWrong() throws {
        let good = try HostPlatform.withKernel { _ in try Self.image() }.0
        var bad = good
        bad[45 * 1024 + 6] = 0   // blocks 48-55 marked free: /twelve's
        var report = FSCheck.check(bad)
        #expect(report.problems.contains { $0.contains("block 48: used by inode 3, but marked free") })
        bad = good
        bad[32 * 1024 + 2 * 64 + 6] = 3   // /small: 3 links
        report = FSCheck.check(bad)
        #expect(report.problems == ["inode 2: 3 links, but 1 names refer to it"])
        bad = good
        bad[32 * 1024 + 3 * 64 + 12] = bad[32 * 1024 + 2 * 64 + 12]   // /twelve's first block is /small's
        report = FSCheck.check(bad)
        #expect(report.problems.contains { $0.hasPrefix("block 47: used twice, by inode 2 and by inode 3") })
        bad = good
        // A second name for /dir (inode 4) in the root: entry 5, the root grown to 6 entries.
        bad[46 * 1024 + 80] = 4
        for (i, c) in "again".utf8.enumerated() { bad[46 * 1024 + 82 + i] = c }
        bad[32 * 1024 + 64 + 8] = 96
        report = FSCheck.check(bad)
        #expect(report.problems.contains { $0.hasPrefix("inode 4: a directory reached twice (at /again)") })
        bad = good
        bad[2048] = 1; bad[2052] = 47   // a committed transaction not installed
        report = FSCheck.check(bad)
        #expect(report.problems.contains { $0.contains("committed transaction of 1 blocks (47) is not installed") })
    }
}
