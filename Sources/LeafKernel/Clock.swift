import CLeafKernel
@_spi(Kernel) import LeafDevices

/// Time on bare metal: the TSC, whose rate Main calibrates against the PIT at boot.
enum Clock {
    /// TSC ticks per millisecond (set once at boot, before any thread or domain runs).
    nonisolated(unsafe) static var tscPerMs: UInt64 = 0

    static var now: UInt64 { leaf_rdtsc() }

    /// The TSC value `milliseconds` from now.
    static func deadline(afterMilliseconds milliseconds: UInt64) -> UInt64 { now &+ milliseconds &* tscPerMs }
}

/// The device layer's clock on bare metal: the TSC in microseconds.
final class TSCClock: DeviceClock {
    nonisolated(unsafe) static let shared = TSCClock()
    var microseconds: UInt64 { Clock.now / max(1, Clock.tscPerMs / 1000) }
    func delay(microseconds: UInt64) {
        let until = self.microseconds &+ microseconds
        while self.microseconds < until {}
    }
}
