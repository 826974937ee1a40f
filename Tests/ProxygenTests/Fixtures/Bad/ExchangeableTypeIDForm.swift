// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 14:19: error: 'exchangeableTypeID' of 'Stored' must be 'static var exchangeableTypeID: UInt64 { 0xc98021a5203fd01e }', a computed property returning one integer literal: expected 0xc98021a5203fd01e, the FNV-1a hash of "LeafInterfaces.Stored" [exchangeable-type-id]
// expect: 19:19: error: 'exchangeableTypeID' of 'Computed' must be 'static var exchangeableTypeID: UInt64 { 0xd28b8ee0e3a59d7a }', a computed property returning one integer literal: expected 0xd28b8ee0e3a59d7a, the FNV-1a hash of "LeafInterfaces.Computed" [exchangeable-type-id]
// expect: 24:19: error: 'exchangeableTypeID' of 'Signed' must be 'static var exchangeableTypeID: UInt64 { 0x481e1a73ec6256d5 }', a computed property returning one integer literal: expected 0x481e1a73ec6256d5, the FNV-1a hash of "LeafInterfaces.Signed" [exchangeable-type-id]
// expect: 29:52: error: 'exchangeableTypeID' of 'TooBig' is '0x1_0000_0000_0000_0000', which is not a UInt64: expected 0x07fb68b18512f345, the FNV-1a hash of "LeafInterfaces.TooBig" [exchangeable-type-id]
// expect: 34:52: error: 'exchangeableTypeID' of 'Twice' is 0x1: expected 0xda3f1ef653925e33, the FNV-1a hash of "LeafInterfaces.Twice" [exchangeable-type-id]
// expect: 38:19: error: 'Twice' declares 'exchangeableTypeID' more than once [exchangeable-type-id]
// expect: 42:18: error: generic struct 'Box' declares Exchangeable: every 'Box<...>' would carry the same type ID; declare one struct per payload [exchangeable-type-id]
@_spi(Kernel) import LeafCore

/// The ID is one integer literal returned by a computed 'static var exchangeableTypeID: UInt64'.
public struct Stored: Exchangeable {
    public var value: Int
    public static let exchangeableTypeID: UInt64 = 0x01
}

public struct Computed: Exchangeable {
    public var value: Int
    public static var exchangeableTypeID: UInt64 { 0x10 + 0x01 }
}

public struct Signed: Exchangeable {
    public var value: Int
    public static var exchangeableTypeID: Int { 1 }
}

public struct TooBig: Exchangeable {
    public var value: Int
    public static var exchangeableTypeID: UInt64 { 0x1_0000_0000_0000_0000 }
}

public struct Twice: Exchangeable {
    public var value: Int
    public static var exchangeableTypeID: UInt64 { 0x1 }
}

extension Twice {
    public static var exchangeableTypeID: UInt64 { 0x2 }
}

/// One ID for every Box<T> would make a Box<Int> readable as a Box<Double>.
public struct Box<T: Exchangeable>: Exchangeable {
    public var count: Int
    public static var exchangeableTypeID: UInt64 { 0x3 }
}
