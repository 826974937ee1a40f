// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 11:26: error: enum 'Mode' declares Exchangeable: a byte the receiver reads as 'Mode' could be an invalid bit pattern, none of its cases; carry its raw value in an Exchangeable struct [exchangeable-not-struct]
// expect: 20:18: error: enum 'Level' declares Exchangeable: a byte the receiver reads as 'Level' could be an invalid bit pattern, none of its cases; carry its raw value in an Exchangeable struct [exchangeable-not-struct]
// expect: 24:17: error: extension of 'Bool' declares Exchangeable: only a struct declared in the interface files may; a conformance of another type would give it an identity the SDK does not [exchangeable-not-struct]
// expect: 30:26: error: nested struct 'Inner' declares Exchangeable: a payload type is declared at the top level of LeafInterfaces, where the rule names its ID [exchangeable-not-struct]
// expect: 37:37: error: parameter 'mode', of type 'RRef<Mode>': its payload 'Mode' is not Exchangeable: 'Mode' is an enum: a byte the receiver reads as one could be an invalid bit pattern, none of its cases; carry its raw value [not-exchangeable-payload]
// expect: 38:36: error: parameter 'on', of type 'RRef<Bool>': its payload 'Bool' is not Exchangeable: a Bool has two valid bit patterns of 256: a byte the receiver reads as a Bool could be an invalid one; carry a UInt8 [not-exchangeable-payload]
@_spi(Kernel) import LeafCore

/// Only a top-level struct of the interface files carries an ID.
public enum Mode: UInt8, Exchangeable {
    case on, off
    public static var exchangeableTypeID: UInt64 { 0x01 }
}

public enum Level: UInt8, BitwiseCopyable {
    case low, high
}

extension Level: Exchangeable {
    public static var exchangeableTypeID: UInt64 { 0x02 }
}

extension Bool: Exchangeable {
    public static var exchangeableTypeID: UInt64 { 0x03 }
}

public struct Outer: BitwiseCopyable {
    public var inner: UInt8
    public struct Inner: Exchangeable {
        public var value: Int
        public static var exchangeableTypeID: UInt64 { 0x04 }
    }
}

public protocol Dimmer: AnyObject {
    func set(_ mode: consuming RRef<Mode>) throws(RpcError)
    func flag(_ on: consuming RRef<Bool>) throws(RpcError)
}
