// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 5:1: error: '@preconcurrency' silences the concurrency checks for what it marks [private-access]
// expect: 8:27: error: '@preconcurrency' silences the concurrency checks for what it marks [private-access]
import LeafInterfaces
@preconcurrency import LeafSDK

/// Silencing the concurrency checks for a conformance too.
public final class Loose: @preconcurrency Equatable {
    public static func == (a: Loose, b: Loose) -> Bool { a === b }
}
