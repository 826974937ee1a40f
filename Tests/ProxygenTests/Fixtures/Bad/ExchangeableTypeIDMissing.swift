// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:15: error: 'Reading' declares Exchangeable but not 'static var exchangeableTypeID: UInt64 { 0xe0294247066e399b }': expected 0xe0294247066e399b, the FNV-1a hash of "LeafInterfaces.Reading" [exchangeable-type-id]
@_spi(Kernel) import LeafCore

/// Without its ID the heap cannot tell a Reading from any other 16 bytes.
public struct Reading: Exchangeable {
    public var sensor: UInt32
    public var value: Double
}

public protocol Sensor: AnyObject {
    func read() throws(RpcError) -> RRef<Reading>
}
