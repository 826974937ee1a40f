// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 7:27: error: '@unchecked': the compiler no longer checks that this type is safe to share between threads [unchecked-attribute]
// expect: 8:5: error: '@exclusivity(unchecked)' turns off the exclusive-access checks [unchecked-attribute]
import LeafInterfaces

/// Shared between threads although its state is not protected.
public final class Cache: @unchecked Sendable {
    @exclusivity(unchecked) public var hits = 0
    @exclusivity(checked) public var misses = 0
}
