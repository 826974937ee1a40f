// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 7:1: error: '@_effects(readnone)' is a compiler internal with no safety promise [underscored-attribute]
// expect: 11:1: error: '@_semantics("optimize.sil.specialize.generic.never")' is a compiler internal with no safety promise [underscored-attribute]
import LeafInterfaces

/// Lies to the optimizer about what the function touches.
@_effects(readnone) public func hash(_ value: Int) -> Int { value &* 31 }

@inline(__always) public func twice(_ value: Int) -> Int { value * 2 }

@_semantics("optimize.sil.specialize.generic.never") public func generic<T>(_ value: T) -> T { value }
