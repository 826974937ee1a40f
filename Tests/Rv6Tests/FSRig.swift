import FSCheck
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafDevices
import NVMeDomain
import RamDiskDomain
import Rv6FSDomain

/// Rv6's file system in its own domain over a block device in another (a RAM disk, or the
/// NVMe driver on the NVMe model), driven through its proxy as the Rv6 kernel drives it. Call
/// inside `HostPlatform.withKernel`.
final class FSRig {
    let device: BlockDeviceProxy
    let fs: FileSystemProxy
    /// The medium's bytes now.
    let image: () -> [UInt8]
    /// The RAM disk, if that is the device.
    let ramDisk: RamDisk?
    var disk: RamDisk { ramDisk! }

    /// Mounts the disk (formatting it first with `format`: blocks and inodes).
    convenience init(_ disk: RamDisk, format: (size: Int, inodes: Int)? = nil, cacheSlots: Int = 48) throws {
        try self.init(device: try BlockDeviceProxy.spawn(name: "ramdisk") { disk }, image: { disk.image() }, ramDisk: disk,
                      format: format, cacheSlots: cacheSlots)
    }

    /// The NVMe driver on an NVMe model holding `image` (or `size` blocks of zeros, formatted).
    static func onNVMe(image: [UInt8]? = nil, size: Int = 2000, inodes: Int = 200, cacheSlots: Int = 48) throws -> FSRig {
        let bytes = image?.count ?? size * 1024
        let model = NVMeModel(sectors: (bytes + 4095) / 4096 * 8)
        if let image { model.load(image) }
        let bus = VirtualPCIBus()
        let address = PCIAddress(bus: 0, device: 3, function: 0)
        bus.attach(model, at: address)
        let function = bus.function(at: address)
        let driver = try BlockDeviceProxy.spawn(name: "nvme") { NVMeDriver(function: function) }
        return try FSRig(device: driver, image: { withExtendedLifetime(bus) { model.storage } }, ramDisk: nil,
                         format: image == nil ? (size, inodes) : nil, cacheSlots: cacheSlots)
    }

    init(device: BlockDeviceProxy, image: @escaping () -> [UInt8], ramDisk: RamDisk?, format: (size: Int, inodes: Int)?,
         cacheSlots: Int = 48) throws {
        self.device = device
        self.image = image
        self.ramDisk = ramDisk
        final class Problem { var text: String? = nil }
        let problem = Problem()
        fs = try FileSystemProxy.spawn(name: "rv6fs") {
            if let format { problem.text = Rv6FS.format(device, size: format.size, inodes: format.inodes) }
            return Rv6FS(device: device, cacheSlots: cacheSlots)
        }
        if let text = problem.text { throw RigError.format(text) }
    }

    /// A fresh disk of `size` blocks, formatted and mounted.
    convenience init(size: Int = 2000, inodes: Int = 200) throws {
        try self.init(RamDisk(blocks: (size + 3) / 4), format: (size, inodes))
    }

    enum RigError: Error { case format(String), failed(String) }

    func path(_ p: String) throws -> RRef<PathName> { try RRef(PathName(p)) }

    func open(_ p: String, _ flags: OpenFlags, from directory: FileHandle = .none) throws -> OpenOutcome {
        try fs.open(try path(p), from: directory, flags: flags)
    }

    func write(_ handle: FileHandle, at offset: Int, _ bytes: [UInt8]) throws -> (Int, SystemError) {
        var data = FileData(length: bytes.count)
        for (i, b) in bytes.enumerated() { data.bytes[i] = b }
        let back = try fs.write(handle, at: UInt64(offset), from: try RRef(data))
        let v = try back.read()
        return (Int(v.length), v.error)
    }

    func read(_ handle: FileHandle, at offset: Int, count: Int) throws -> ([UInt8], SystemError) {
        let back = try fs.read(handle, at: UInt64(offset), into: try RRef(FileData(length: count)))
        let v = try back.read()
        return ((0..<Int(v.length)).map { v.bytes[$0] }, v.error)
    }

    /// The whole file or directory at `p`, or why not.
    func contents(_ p: String) throws -> Result<[UInt8], SystemError> { try fs.readFile(p) }

    /// Writes a whole file (created or emptied first).
    func put(_ p: String, _ bytes: [UInt8]) throws -> SystemError { try fs.writeFile(p, bytes) }

    /// The names in a directory (not "." or ".."), with their inode numbers.
    func list(_ p: String) throws -> [(String, UInt16)] {
        guard case .success(let bytes) = try contents(p) else { throw RigError.failed("cannot read directory \(p)") }
        var names: [(String, UInt16)] = []
        for e in 0..<(bytes.count / 16) {
            let inode = UInt16(bytes[e * 16]) | UInt16(bytes[e * 16 + 1]) << 8
            guard inode != 0 else { continue }
            let name = String(decoding: bytes[(e * 16 + 2)..<(e * 16 + 16)].prefix { $0 != 0 }, as: UTF8.self)
            if name != "." && name != ".." { names.append((name, inode)) }
        }
        return names
    }

    /// Every file (path: contents) and directory (path: nil) below the root.
    func tree(_ p: String = "") throws -> [String: [UInt8]?] {
        var result: [String: [UInt8]?] = [:]
        for (name, _) in try list(p.isEmpty ? "/" : p) {
            let child = p + "/" + name
            let o = try open(child, .readOnly)
            let type = o.type
            _ = try fs.close(o.handle)
            if type == .directory {
                result[child] = .some(nil)
                for (k, v) in try tree(child) { result[k] = v }
            } else if case .success(let bytes) = try contents(child) {
                result[child] = .some(bytes)
            }
        }
        return result
    }

    /// fsck's report on the disk as it is now.
    func check() -> FSCheck.Report { FSCheck.check(image()) }
}
