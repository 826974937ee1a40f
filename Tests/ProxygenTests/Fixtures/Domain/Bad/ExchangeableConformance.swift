// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 11:16: error: conformance to 'Exchangeable': type identities are given by LeafInterfaces and LeafSDK only [exchangeable-conformance]
// expect: 15:26: error: conformance to 'Exchangeable': type identities are given by LeafInterfaces and LeafSDK only [exchangeable-conformance]
// expect: 18:18: error: conformance to 'Exchangeable': type identities are given by LeafInterfaces and LeafSDK only [exchangeable-conformance]
// expect: 20:16: error: conformance to 'Exchangeable': type identities are given by LeafInterfaces and LeafSDK only [exchangeable-conformance]
// expect: 22:22: error: typealias 'Portable' names 'Exchangeable': a conformance through it would escape this audit [exchangeable-conformance]
import LeafInterfaces
import LeafSDK

/// Conformances carry a type identity; a domain could copy another type's.
struct Packet: Exchangeable {
    var length: Int
}

struct Header: Sendable, LeafSDK.Exchangeable {}

struct Plain {}
extension Plain: @retroactive Exchangeable {}

protocol Wire: Exchangeable {}

typealias Portable = Exchangeable & Sendable

func send<T: Exchangeable>(_ value: T) {}
protocol Carrier { associatedtype Payload: Exchangeable }
