// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:52: error: 'exchangeableTypeID' of 'Reading' is 12345: expected 0xe0294247066e399b, the FNV-1a hash of "LeafInterfaces.Reading" [exchangeable-type-id]
@_spi(Kernel) import LeafCore

/// An ID is not chosen: the rule gives it (FNV-1a of "LeafInterfaces.<Name>"), in any literal form.
public struct Reading: Exchangeable {
    public var value: Double
    public static var exchangeableTypeID: UInt64 { 12345 }
}

/// Right, in binary, by extension, with an explicit getter.
public struct Sample {
    public var value: Int
}

extension Sample: Exchangeable {
    public static var exchangeableTypeID: UInt64 {
        get { return 0b1110101110100000010101111110001011101100011110001100000001000111 }
    }
}

/// Right, in decimal.
public struct Tick: Exchangeable {
    public var count: UInt64
    public static var exchangeableTypeID: UInt64 { 14_318_330_105_601_697_284 }
}

public protocol Sensor: AnyObject {
    func read() throws(RpcError) -> RRef<Reading>
    func sample(_ s: borrowing RRef<Sample>) throws(RpcError)
    func tick(_ t: borrowing RRef<Tick>) throws(RpcError)
}
