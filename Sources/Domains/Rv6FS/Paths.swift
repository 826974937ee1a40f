import LeafInterfaces
import LeafSDK

// Path names (xv6's namei and nameiparent): components separated by '/', absolute from the
// root, relative from a directory the caller holds open. Unlike xv6, a component longer than
// 14 bytes is an error, not silently cut.
extension Rv6FS {
    /// The path's components, checked: 1 to 128 bytes, no NUL, each component 1-14 bytes.
    func components(_ path: borrowing RRef<PathName>) throws(SystemError) -> (absolute: Bool, names: [Name]) {
        guard let value = try? path.read() else { throw .invalidArgument }
        let length = Int(value.length)
        guard length > 0, length <= DiskFormat.maximumPath else { throw .badPath }
        var names: [Name] = []
        var current = InlineArray<14, UInt8>(repeating: 0)
        var n = 0
        var tooLong = false
        for i in 0..<length {
            let b = value.bytes[i]
            guard b != 0 else { throw .badPath }
            if b == 0x2f {
                if n > 0 { names.append(Name(bytes: current, length: n)) }
                current = .init(repeating: 0)
                n = 0
            } else {
                if n >= DiskFormat.nameLength { tooLong = true } else { current[n] = b }
                n += 1
            }
        }
        if tooLong { throw .nameTooLong }
        if n > 0 { names.append(Name(bytes: current, length: n)) }
        return (value.bytes[0] == 0x2f, names)
    }

    /// The inode a path starts from: the root, or the open directory `directory`.
    func start(_ absolute: Bool, _ directory: FileHandle) throws(SystemError) -> UInt32 {
        if absolute || directory == .none { return DiskFormat.rootInode }
        return try inode(of: directory)
    }

    /// The inode the path names.
    func resolve(_ path: borrowing RRef<PathName>, from directory: FileHandle) throws(SystemError) -> UInt32 {
        let (absolute, names) = try components(path)
        var inode = try start(absolute, directory)
        for name in names {
            guard let (next, _) = try lookup(name, in: inode) else { throw .notFound }
            inode = next
        }
        return inode
    }

    /// The directory holding the path's last component, and that component (xv6's
    /// nameiparent). A path with no components ("/") has no parent.
    func resolveParent(_ path: borrowing RRef<PathName>, from directory: FileHandle) throws(SystemError) -> (UInt32, Name) {
        let (absolute, names) = try components(path)
        guard let last = names.last else { throw .badPath }
        var inode = try start(absolute, directory)
        for name in names.dropLast() {
            guard let (next, _) = try lookup(name, in: inode) else { throw .notFound }
            inode = next
        }
        let parent = try readInode(inode)
        guard parent.type == .directory else { throw .notDirectory }
        // A directory already removed (still open somewhere) takes no new names.
        guard parent.links > 0 else { throw .notFound }
        return (inode, last)
    }
}
