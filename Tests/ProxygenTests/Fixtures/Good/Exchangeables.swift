@_spi(Kernel) import LeafCore

/// Payloads are Exchangeable, with the IDs the rule gives them; copied values need only be
/// BitwiseCopyable (a Bool or an enum is checked by the compiler when it is copied).
public struct Sample: Exchangeable, Sendable {
    public var sensor: UInt16
    public var value: Double
    public var raw: InlineArray<4, UInt8>
    public var window: Window
    public var scaled: Double { value * 2 }
    public static var exchangeableTypeID: UInt64 { 0xeba0_57e2_ec78_c047 }   // FNV-1a of "LeafInterfaces.Sample"
}

/// Conforming by an extension, with the ID there too.
public struct Window {
    public var width, height: UInt32
}

extension Window: Exchangeable {
    public static var exchangeableTypeID: UInt64 { 0x69bb59ced4ad383d }
}

public enum Mode: UInt8, BitwiseCopyable {
    case fast, slow
}

public struct Status: BitwiseCopyable {
    public var running: Bool
    public var mode: Mode
}

public protocol Recorder: AnyObject {
    func record(_ sample: consuming RRef<Sample>) throws(RpcError) -> Status
    func windows(_ batch: borrowing RRefDeque<InlineArray<2, Window>, 8>) throws(RpcError) -> RRefArray<Double, 4>
    func latest(_ mode: Mode, verbose: Bool) throws(RpcError) -> RRef<LeafInterfaces.Sample>
    func last() throws(RpcError) -> Sample?
}
