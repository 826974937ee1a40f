// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 16:52: error: exchangeableTypeID 0x602c2817a0349323 of 'Fahrenheit' is already the ID of 'Celsius' (Bad/DuplicateTypeID.swift:11): the heap would take the objects of one for the other's [duplicate-type-id]
// expect: 16:52: error: 'exchangeableTypeID' of 'Fahrenheit' is 0x602c_2817_a034_9323: expected 0x045fedaf95cb53db, the FNV-1a hash of "LeafInterfaces.Fahrenheit" [exchangeable-type-id]
// expect: 21:52: error: exchangeableTypeID 0xf65a6abec28dbc5b of 'Count' is already the ID of the SDK's 'Swift.Int': the heap would take the objects of one for the other's [duplicate-type-id]
// expect: 21:52: error: 'exchangeableTypeID' of 'Count' is 0xf65a_6abe_c28d_bc5b: expected 0x03228ac4ef6758f4, the FNV-1a hash of "LeafInterfaces.Count" [exchangeable-type-id]
@_spi(Kernel) import LeafCore

/// Two types with one ID would let the heap hand out one's objects as the other's.
public struct Celsius: Exchangeable {
    public var degrees: Double
    public static var exchangeableTypeID: UInt64 { 0x602c_2817_a034_9323 }
}

public struct Fahrenheit: Exchangeable {
    public var degrees: Double
    public static var exchangeableTypeID: UInt64 { 0x602c_2817_a034_9323 }
}

public struct Count: Exchangeable {
    public var value: Int
    public static var exchangeableTypeID: UInt64 { 0xf65a_6abe_c28d_bc5b }
}

public protocol Thermometer: AnyObject {
    func read() throws(RpcError) -> RRefArray<Celsius, 2>
    func convert(_ f: consuming RRef<Fahrenheit>) throws(RpcError) -> RRef<Count>
}
