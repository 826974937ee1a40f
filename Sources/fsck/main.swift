import FSCheck
#if canImport(Glibc)
import Glibc
#endif

// fsck IMAGE: checks an xv6-riscv file-system image; lists every problem with the inode or
// block it concerns; exits 0 only when the image is clean.
let arguments = CommandLine.arguments.dropFirst()
guard arguments.count == 1, let path = arguments.first, !path.hasPrefix("-") else {
    print("usage: fsck IMAGE\n  Checks an xv6-riscv file-system image (superblock, log, inodes, directories, link counts, bitmap).")
    exit(2)
}
guard let image = ImageFile.read(path) else {
    print("fsck: \(path): cannot read: \(ImageFile.lastError)")
    exit(2)
}
let report = FSCheck.check(image)
for p in report.problems { print("fsck: \(path): \(p)") }
if report.isClean {
    print("fsck: \(path): clean (\(report.inodesInUse) inodes in use, \(report.directories) directories, \(report.blocksInUse) data blocks)")
    exit(0)
}
print("fsck: \(path): \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")")
exit(1)
