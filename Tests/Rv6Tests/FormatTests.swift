import LeafInterfaces
import Testing

/// The on-disk structs are laid out as xv6-riscv's C structs.
@Suite struct FormatTests {
    @Test func theDiskStructsAreXv6s() {
        #expect(MemoryLayout<DiskInode>.size == 64)
        #expect(MemoryLayout<DiskInode>.offset(of: \.major) == 2)
        #expect(MemoryLayout<DiskInode>.offset(of: \.links) == 6)
        #expect(MemoryLayout<DiskInode>.offset(of: \.size) == 8)
        #expect(MemoryLayout<DiskInode>.offset(of: \.addresses) == 12)
        #expect(MemoryLayout<DirectoryEntry>.size == 16)
        #expect(MemoryLayout<DirectoryEntry>.offset(of: \.name) == 2)
        #expect(MemoryLayout<Superblock>.size == 32)
        #expect(MemoryLayout<Superblock>.offset(of: \.bitmapStart) == 28)
        #expect(MemoryLayout<LogHeader>.size == 124)
        #expect(MemoryLayout<FileData>.offset(of: \.length) == FileData.lengthField.offset)
        #expect(MemoryLayout<FileData>.offset(of: \.error) == FileData.errorField.offset)
    }

    @Test func theLayoutIsXv6Mkfss() {
        // RV6-FACTS.md §2: 0 boot, 1 super, 2-31 log, 32-44 inodes, 45 bitmap, 46-1999 data.
        let sb = Superblock.xv6Layout(size: 2000, inodes: 200)
        #expect(sb.logStart == 2 && sb.inodeStart == 32 && sb.bitmapStart == 45 && sb.dataStart == 46 && sb.dataBlocks == 1954)
        #expect(sb.problem(deviceBlocks: 500) == nil)
        #expect(sb.problem(deviceBlocks: 499)?.problem == .badSize)
    }
}
