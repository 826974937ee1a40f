// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 9:13: error: 'Mode' is already declared at Bad/DuplicateName.swift:5 [duplicate-name]
@_spi(Kernel) import LeafCore

public enum Mode: UInt8, BitwiseCopyable {
    case on, off
}

public enum Mode: UInt8, BitwiseCopyable {
    case up, down
}
