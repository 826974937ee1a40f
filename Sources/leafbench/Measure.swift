import CAllocCounter
@_spi(Kernel) import LeafHost

/// One measured operation: cycles per call (median over samples), with heap allocations per
/// call counted over a separate run.
struct Measurement {
    let name: String
    let cycles: Double
    let allocationsPerCall: Double
}

enum Measure {
    static let callsPerSample = 2_000
    static let samples = 301

    /// Times `body` (which performs one call) by rdtsc over batches, taking the median batch.
    @inline(never)
    static func run(_ name: String, _ body: () -> Void) -> Measurement {
        for _ in 0..<callsPerSample { body() }   // warm up caches and branch predictors
        var perCall: [Double] = []
        perCall.reserveCapacity(samples)
        for _ in 0..<samples {
            let start = HostPlatform.cycles()
            for _ in 0..<callsPerSample { body() }
            let end = HostPlatform.cycles()
            perCall.append(Double(end &- start) / Double(callsPerSample))
        }
        perCall.sort()
        let before = alloc_counter_allocations()
        for _ in 0..<callsPerSample { body() }
        let after = alloc_counter_allocations()
        return Measurement(name: name, cycles: perCall[samples / 2],
                           allocationsPerCall: Double(after - before) / Double(callsPerSample))
    }
}
