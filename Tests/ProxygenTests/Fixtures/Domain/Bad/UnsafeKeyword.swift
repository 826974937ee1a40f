// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 11:1: error: '@unsafe': a domain may not declare its own code unsafe [unsafe-keyword]
// expect: 13:1: error: '@safe' vouches that unsafe code is safe; a domain has no one to vouch for it [unsafe-keyword]
// expect: 19:13: error: 'unsafe' tells the compiler to trust unchecked code; a domain's code is checked or refused [unsafe-keyword]
// expect: 20:16: error: 'unsafe' tells the compiler to trust unchecked code; a domain's code is checked or refused [unsafe-keyword]
// expect: 24:9: error: 'unsafeAddress' accessor: it hands out a raw address [unsafe-keyword]
import LeafInterfaces
import LeafSDK

/// Swift 6.2 lets `unsafe` silence strict memory safety, and `@safe` vouch for unsafe code.
@unsafe public func peek() -> Int { 0 }

@safe public func looksFine() -> Int { 1 }

public final class Counter {
    private var total = 0

    public func add(_ values: [Int]) -> Int {
        for unsafe value in values { total += value }
        return unsafe peek()
    }

    public var first: Int {
        unsafeAddress { fatalError() }
    }
}
