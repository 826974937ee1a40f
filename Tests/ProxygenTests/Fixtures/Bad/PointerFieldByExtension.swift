// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 7:22: error: field 'next' of 'Cell' has non-exchangeable type 'UnsafeMutableRawPointer?': a pointer reaches into memory that the other domain does not own [non-exchangeable]
@_spi(Kernel) import LeafCore

/// Marked BitwiseCopyable by an extension: its fields are checked all the same.
public struct Cell {
    public var next: UnsafeMutableRawPointer?
}

extension Cell: BitwiseCopyable {}
