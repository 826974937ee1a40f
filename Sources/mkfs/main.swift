#if canImport(Glibc)
import Glibc
#endif
import FSCheck
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import RamDiskDomain
import Rv6FSDomain

// mkfs IMAGE [--size BLOCKS] [--inodes N] FILE...: makes an xv6-riscv file-system image (xv6
// mkfs's semantics: BLOCKS 1 KiB blocks, 2000 by default; 200 inodes; the files in the root,
// named by their last path component with "user/" and a leading '_' dropped). The empty file
// system is laid out as xv6's mkfs lays it out; the files are then written through Rv6's file
// system itself, running in its domain over a RAM disk.

func fail(_ message: String, status: Int32 = 1) -> Never {
    print("mkfs: \(message)")
    exit(status)
}

let usage = "usage: mkfs IMAGE [--size BLOCKS] [--inodes N] FILE..."
var arguments = Array(CommandLine.arguments.dropFirst())
var size = DiskFormat.defaultSize, inodes = DiskFormat.defaultInodes
var positional: [String] = []
while !arguments.isEmpty {
    let a = arguments.removeFirst()
    switch a {
    case "--size", "--inodes":
        guard let v = arguments.first.flatMap({ Int($0) }), v > 0 else { fail("\(a) needs a positive number\n\(usage)", status: 2) }
        arguments.removeFirst()
        if a == "--size" { size = v } else { inodes = v }
    case "-h", "--help":
        print(usage)
        exit(0)
    default:
        if a.hasPrefix("-") { fail("unknown option \(a)\n\(usage)", status: 2) }
        positional.append(a)
    }
}
guard let imagePath = positional.first else { fail(usage, status: 2) }

// The files, read first: nothing is written if one cannot be.
var files: [(name: String, bytes: [UInt8])] = []
for path in positional.dropFirst() {
    var name = String(path.split(separator: "/").last ?? "")
    if name.hasPrefix("_") { name.removeFirst() }
    guard !name.isEmpty, name.utf8.count <= DiskFormat.nameLength else {
        fail("\(path): the name \"\(name)\" must be 1 to \(DiskFormat.nameLength) bytes")
    }
    guard !files.contains(where: { $0.name == name }) else { fail("\(path): a second file named \"\(name)\"") }
    guard let bytes = ImageFile.read(path) else { fail("\(path): cannot read: \(ImageFile.lastError)") }
    guard bytes.count <= DiskFormat.maximumFileBlocks * DiskFormat.blockSize else {
        fail("\(path): \(bytes.count) bytes, over the largest file (\(DiskFormat.maximumFileBlocks * DiskFormat.blockSize))")
    }
    files.append((name, bytes))
}

final class Outcome { var problem: String? = nil }
let outcome = Outcome()
let disk = RamDisk(blocks: (size + 3) / 4)
let (image, _) = HostPlatform.withKernel { _ -> [UInt8] in
    do {
        let device = try BlockDeviceProxy.spawn(name: "ramdisk") { disk }
        let fs = try FileSystemProxy.spawn(name: "rv6fs") {
            outcome.problem = Rv6FS.format(device, size: size, inodes: inodes)
            return Rv6FS(device: device)
        }
        if let problem = outcome.problem { fail(problem) }
        let mounted = try fs.mountStatus()
        guard mounted.problem == .none else { fail("the new file system does not mount: \(mounted.description)") }
        for file in files {
            let error = try fs.writeFile("/" + file.name, file.bytes)
            guard error == .none else { fail("\(file.name): \(error)") }
        }
        guard try fs.sync() == .none else { fail("sync failed") }
    } catch {
        fail("\(error)")
    }
    return Array(disk.image().prefix(size * DiskFormat.blockSize))
}
guard ImageFile.write(image, to: imagePath) else { fail("\(imagePath): cannot write: \(ImageFile.lastError)") }
let sb = Superblock.xv6Layout(size: size, inodes: inodes)
print("mkfs: \(imagePath): \(size) blocks (\(sb.dataStart) metadata: log \(sb.logStart)-\(sb.inodeStart - 1), inodes \(sb.inodeStart)-\(sb.bitmapStart - 1), bitmap \(sb.bitmapStart)-\(sb.dataStart - 1)), \(inodes) inodes, \(files.count) files")
