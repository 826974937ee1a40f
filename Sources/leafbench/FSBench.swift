import CAllocCounter
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import RamDiskDomain
import Rv6FSDomain

/// benchfs on the host: Rv6's file system in its domain over a RAM disk in another, through
/// its proxy. Small files (create, write 100 bytes, close, then unlink) and 4 KiB sequential
/// writes and reads of a 256 KiB file (larger than the 192 KiB buffer cache), in cycles per
/// operation (median of 11 samples); the baseline is one 4 KiB block read from the RAM disk
/// through its proxy in the same process.
enum FSBench {
    struct Result { let name: String; let cycles: Double; let allocations: Double }

    static func median(_ rounds: Int, per items: Int, _ body: () throws -> Void) rethrows -> (Double, Double) {
        try body()   // warm up
        var samples: [Double] = []
        for _ in 0..<11 {
            let start = HostPlatform.cycles()
            for _ in 0..<rounds { try body() }
            samples.append(Double(HostPlatform.cycles() &- start) / Double(rounds * items))
        }
        let before = alloc_counter_allocations()
        try body()
        return (samples.sorted()[5], Double(alloc_counter_allocations() - before) / Double(items))
    }

    static func run() throws -> (baseline: Double, results: [Result]) {
        let disk = RamDisk(blocks: 500)
        let device = try BlockDeviceProxy.spawn(name: "ramdisk") { disk }
        var problem: String? = nil
        let fs = try FileSystemProxy.spawn(name: "rv6fs") {
            problem = Rv6FS.format(device, size: 2000, inodes: 200)
            return Rv6FS(device: device)
        }
        if let problem { fatalError("benchfs: \(problem)") }

        var batch: RRefDeque<BlockRequest, 128>? = try RRefDeque()
        _ = batch!.push(try RRef(BlockRequest(.read, block: 7)))
        let (device4K, _) = try median(2000, per: 1) {
            var b = try device.submitAndCollect(batch.take()!)
            try b.write(.pending, to: BlockRequest.statusField, at: 0)
            batch = consume b
        }

        var results: [Result] = []
        let names = (0..<50).map { PathName("/small\($0)") }
        var path = try RRef(PathName("/"))
        var buffer: RRef<FileData>? = try RRef(FileData(length: 100))
        let (small, smallAllocations) = try median(4, per: 50) {
            for name in names {
                try path.write(name)
                let o = try fs.open(path, from: .none, flags: .create | .writeOnly)
                try buffer!.write(100, to: FileData.lengthField)
                buffer = try fs.write(o.handle, at: 0, from: buffer.take()!)
                _ = try fs.close(o.handle)
            }
            for name in names {
                try path.write(name)
                _ = try fs.unlink(path, from: .none)
            }
        }
        results.append(Result(name: "small file: create, write 100 B, close (and unlink)", cycles: small, allocations: smallAllocations))

        let big = try RRef(PathName("/sequential"))
        let blocks = 64
        let (write, writeAllocations) = try median(4, per: blocks) {
            let o = try fs.open(big, from: .none, flags: .create | .writeOnly | .truncate)
            for i in 0..<blocks {
                try buffer!.write(4096, to: FileData.lengthField)
                buffer = try fs.write(o.handle, at: UInt64(i * 4096), from: buffer.take()!)
            }
            _ = try fs.close(o.handle)
        }
        results.append(Result(name: "sequential write, 4 KiB", cycles: write, allocations: writeAllocations))
        let (read, readAllocations) = try median(4, per: blocks) {
            let o = try fs.open(big, from: .none, flags: .readOnly)
            for i in 0..<blocks {
                try buffer!.write(4096, to: FileData.lengthField)
                buffer = try fs.read(o.handle, at: UInt64(i * 4096), into: buffer.take()!)
                guard try buffer!.read(FileData.lengthField) == 4096 else { fatalError("benchfs: a short read") }
            }
            _ = try fs.close(o.handle)
        }
        results.append(Result(name: "sequential read, 4 KiB", cycles: read, allocations: readAllocations))
        let s = try fs.statistics()
        print("  (\(s.commits) transactions, \(s.deviceReads) device reads, \(s.deviceWrites) device writes, \(s.cacheHits) cache hits)")
        return (device4K, results)
    }
}
