// The audit must report exactly these diagnostics for this file (line:column as below).
// expect: 12:37: error: parameter 'mode', of type 'RRef<Mode>': its payload 'Mode' is not Exchangeable: 'Mode' is an enum: a byte the receiver reads as one could be an invalid bit pattern, none of its cases; carry its raw value [not-exchangeable-payload]
// expect: 13:50: error: result of 'history()', of type 'RRefArray<Mode, 4>': its payload 'Mode' is not Exchangeable: 'Mode' is an enum: a byte the receiver reads as one could be an invalid bit pattern, none of its cases; carry its raw value [not-exchangeable-payload]
@_spi(Kernel) import LeafCore

/// An enum copied is checked by the compiler; an enum in the shared heap is whatever its byte is.
public enum Mode: UInt8, BitwiseCopyable {
    case on, off
}

public protocol Dimmer: AnyObject {
    func set(_ mode: borrowing RRef<Mode>) throws(RpcError)
    func history() throws(RpcError) -> RRefArray<Mode, 4>
    func current() throws(RpcError) -> Mode
}
