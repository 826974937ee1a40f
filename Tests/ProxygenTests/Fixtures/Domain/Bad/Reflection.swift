// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 13:31: error: 'CustomReflectable' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
// expect: 14:30: error: 'Mirror' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
// expect: 14:39: error: 'Mirror' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
// expect: 17:9: error: 'dump' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
// expect: 18:9: error: 'debugPrint' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
// expect: 19:18: error: 'ObjectIdentifier' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
// expect: 21:23: error: 'reflecting' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
// expect: 25:9: error: '_forEachField' reflects on values (or their addresses) past their API, and through a proxy past the call gate [reflection]
import LeafInterfaces

/// Reflection opens a proxy past its API; an ObjectIdentifier is an address.
public final class Inspector: CustomReflectable {
    public var customMirror: Mirror { Mirror(self, children: []) }

    func look(at peer: any Probe) -> String {
        dump(peer)
        debugPrint(peer)
        let id = ObjectIdentifier(self)
        _ = id
        return String(reflecting: peer)
    }

    func fields(of value: Any) {
        _forEachField(of: Any.self, options: []) { _, _, _, _ in true }
    }

    /// Describing a value through its own API is fine.
    func describe(_ value: Int) -> String { String(describing: value) + "\(value)" }
}
