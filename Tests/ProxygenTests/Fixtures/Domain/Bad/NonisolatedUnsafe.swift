// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 6:5: error: 'nonisolated(unsafe)' exempts this variable from data-race checking [nonisolated-unsafe]
import LeafInterfaces

public final class Clock {
    nonisolated(unsafe) public var ticks = 0
    public var rate: Int { 100 }
}
