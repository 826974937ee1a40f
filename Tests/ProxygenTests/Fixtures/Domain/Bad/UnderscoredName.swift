// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 16:9: error: '_withUnprotectedUnsafeMutablePointer' is an underscored name the audited files do not declare: standard-library internals are not API [underscored-name]
// expect: 17:22: error: '_getUnsafePointerToStoredProperties' is an underscored name the audited files do not declare: standard-library internals are not API [underscored-name]
// expect: 18:28: error: '_unsafeReferenceCast' skips Swift's safety checks or hands out a pointer [unsafe-function]
// expect: 20:19: error: '_OpaqueExistential' is an underscored name the audited files do not declare: standard-library internals are not API [underscored-name]
// expect: 22:43: error: '_buffer' is an underscored name the audited files do not declare: standard-library internals are not API [underscored-name]
// expect: 23:13: error: '_isPOD' is an underscored name the audited files do not declare: standard-library internals are not API [underscored-name]
import LeafInterfaces

/// Underscored standard-library entry points are not API.
public final class Sneaky {
    var value = 0
    private var _shadow = 0

    func reach() {
        _withUnprotectedUnsafeMutablePointer(to: &value) { _ in }
        let fields = _getUnsafePointerToStoredProperties(self)
        let cast: Sneaky = _unsafeReferenceCast(self, to: Sneaky.self)
        _ = (fields, cast)
        let type: _OpaqueExistential? = nil
        _ = type
        _ = Array(repeating: 0, count: 1)._buffer
        _ = _isPOD(Int.self)
    }

    /// A lone `_` is not a name, and names of the domain's own may start with `_`.
    func fine(_ values: [Int], _ pair: (Int, Int)) -> Int {
        _ = values
        let (_, second) = pair
        let total = values.reduce(0) { sum, _ in sum + 1 }
        for _ in values { _shadow += 1 }
        _helper()
        switch pair { case (_, 0): return 0; default: break }
        return total + second + _shadow
    }

    private func _helper() {}
}
