import LeafSDK

/// Why an Rv6 operation failed (`none`: it did not), xv6's errno: one set of codes for the file
/// system (1-16) and the Rv6 kernel (32 and up), so that a program's read or write buffer carries
/// either back unchanged. Raw, so that any value crosses.
public struct SystemError: Exchangeable, Error, Equatable, Sendable, CustomStringConvertible {
    public var raw: UInt16
    public static var exchangeableTypeID: UInt64 { 0xa6a9_d593_3a81_5c0a }   // FNV-1a of "LeafInterfaces.SystemError"
    @inlinable public init(raw: UInt16) { self.raw = raw }

    public static var none: SystemError { SystemError(raw: 0) }

    // The file system's.
    /// A name in the path does not exist.
    public static var notFound: SystemError { SystemError(raw: 1) }
    /// The name to create exists.
    public static var exists: SystemError { SystemError(raw: 2) }
    /// A directory was needed (a path component, the directory of a relative path).
    public static var notDirectory: SystemError { SystemError(raw: 3) }
    /// A directory cannot be written, linked or truncated.
    public static var isDirectory: SystemError { SystemError(raw: 4) }
    /// A path component is longer than 14 bytes.
    public static var nameTooLong: SystemError { SystemError(raw: 5) }
    /// The path is empty, longer than 128 bytes, holds a NUL, or names "." or ".." where a new
    /// name is needed.
    public static var badPath: SystemError { SystemError(raw: 6) }
    /// No free data block.
    public static var noSpace: SystemError { SystemError(raw: 7) }
    /// No free inode.
    public static var noInodes: SystemError { SystemError(raw: 8) }
    /// The handle is not one this file system gave out, or was closed.
    public static var badHandle: SystemError { SystemError(raw: 9) }
    /// A directory to remove is not empty.
    public static var notEmpty: SystemError { SystemError(raw: 10) }
    /// The file would grow past the format's largest (268 blocks).
    public static var fileTooLarge: SystemError { SystemError(raw: 11) }
    /// An argument is out of range (a length over the buffer, an offset past the end of the
    /// file to read, too many links, a negative count).
    public static var invalidArgument: SystemError { SystemError(raw: 12) }
    /// The block device failed or refused a request. The file system is consistent on the disk
    /// whatever happened: an operation that failed before its commit record was written did not
    /// happen; one that failed after it may have (the log is recovered from the disk before the
    /// next operation).
    public static var ioError: SystemError { SystemError(raw: 13) }
    /// The open-inode table is full.
    public static var tooManyOpen: SystemError { SystemError(raw: 14) }
    /// The disk holds something the format does not allow (a bad inode type, a block number
    /// past the end): refused, never followed.
    public static var corrupt: SystemError { SystemError(raw: 15) }
    /// The operation needs more blocks than the log or the buffer cache holds at once (mount
    /// bounds the file system so that none should); it was abandoned, nothing of it done.
    public static var transactionTooLarge: SystemError { SystemError(raw: 16) }

    // The Rv6 kernel's.
    /// The descriptor is not open in the calling process.
    public static var badDescriptor: SystemError { SystemError(raw: 32) }
    /// The process's descriptor table (16) or the system's open-file table is full.
    public static var tooManyFiles: SystemError { SystemError(raw: 33) }
    /// `wait` with no child left to wait for.
    public static var noChild: SystemError { SystemError(raw: 34) }
    /// No process has that ID.
    public static var noSuchProcess: SystemError { SystemError(raw: 35) }
    /// No program of that name is linked into the kernel.
    public static var noSuchProgram: SystemError { SystemError(raw: 36) }
    /// The process table, or the kernel's threads or domains, are all in use.
    public static var tooManyProcesses: SystemError { SystemError(raw: 37) }
    /// A write to a pipe whose read end is closed everywhere.
    public static var brokenPipe: SystemError { SystemError(raw: 38) }
    /// The calling process was killed: it ends when the call returns.
    public static var killed: SystemError { SystemError(raw: 39) }
    /// A read of a descriptor opened write-only, or a write of one opened read-only.
    public static var wrongMode: SystemError { SystemError(raw: 40) }
    /// The arguments of a spawn do not fit (more than 16, or over 512 bytes in all).
    public static var argumentsTooLong: SystemError { SystemError(raw: 41) }
    /// A device file whose major number no driver answers.
    public static var noDevice: SystemError { SystemError(raw: 42) }
    /// The operation needs the file system, which did not mount (or has no disk).
    public static var noFileSystem: SystemError { SystemError(raw: 43) }
    /// A descriptor of a kind the operation does not apply to (fstat of a pipe's end is fine;
    /// chdir to a file, seek on a pipe are not).
    public static var notSupported: SystemError { SystemError(raw: 44) }
    /// The first process (init) cannot be killed.
    public static var notPermitted: SystemError { SystemError(raw: 45) }
    /// No live domain has that name (a fault to inject).
    public static var noSuchDomain: SystemError { SystemError(raw: 46) }

    public var description: String {
        switch raw {
        case 0: "no error"
        case 1: "no such file or directory"
        case 2: "file exists"
        case 3: "not a directory"
        case 4: "is a directory"
        case 5: "name longer than 14 bytes"
        case 6: "bad path"
        case 7: "no free block"
        case 8: "no free inode"
        case 9: "bad file handle"
        case 10: "directory not empty"
        case 11: "file too large"
        case 12: "invalid argument"
        case 13: "I/O error"
        case 14: "too many open inodes"
        case 15: "corrupt file system"
        case 16: "operation too large for the log"
        case 32: "bad file descriptor"
        case 33: "too many open files"
        case 34: "no child processes"
        case 35: "no such process"
        case 36: "no such program"
        case 37: "too many processes"
        case 38: "broken pipe"
        case 39: "killed"
        case 40: "descriptor not open for that"
        case 41: "argument list too long"
        case 42: "no such device"
        case 43: "no file system"
        case 44: "operation not supported"
        case 45: "operation not permitted"
        case 46: "no such domain"
        default: "error \(raw)"
        }
    }
}
