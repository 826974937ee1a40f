import CAllocCounter
@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafHost

/// A driver's cost per item (request, packet) against a model that times itself: rounds of
/// `round()` (each moving `batch` items) timed by rdtsc, the model's cycles (and what each of
/// its timed regions costs outside itself, `leak`) subtracted; the median of 101 samples of
/// `rounds` rounds, and the heap allocations per item over a further run.
struct DeviceMeasurement {
    let batch: Int
    /// Cycles per item in all, and the model's share of them.
    let total: Double
    let model: Double
    let allocations: Double
    var driver: Double { total - model }

    static let rounds = 2_000

    static func run(batch: Int, account: CycleAccount, leak: Double, _ round: () -> Void) -> DeviceMeasurement {
        for _ in 0..<rounds { round() }   // warm up
        var samples: [(total: Double, model: Double)] = []
        let items = Double(rounds * batch)
        for _ in 0..<101 {
            let cyclesBefore = account.cycles, regionsBefore = account.regions
            let start = HostPlatform.cycles()
            for _ in 0..<rounds { round() }
            let cycles = Double(HostPlatform.cycles() &- start)
            let model = Double(account.cycles &- cyclesBefore) + Double(account.regions &- regionsBefore) * leak
            samples.append((cycles / items, model / items))
        }
        samples.sort { $0.total - $0.model < $1.total - $1.model }
        let before = alloc_counter_allocations()
        for _ in 0..<rounds { round() }
        let allocations = Double(alloc_counter_allocations() - before) / items
        return DeviceMeasurement(batch: batch, total: samples[50].total, model: samples[50].model, allocations: allocations)
    }

    /// What an empty timed region costs outside itself (median): the part of the counter reads
    /// and of the call that its own count misses.
    static func regionCost() -> Double {
        let account = CycleAccount { HostPlatform.cycles() }
        var samples: [Double] = []
        for _ in 0..<101 {
            let inside = account.cycles
            let start = HostPlatform.cycles()
            for _ in 0..<rounds { account.measure { () -> Void in } }
            let total = HostPlatform.cycles() &- start
            samples.append(Double(total &- (account.cycles &- inside)) / Double(rounds))
        }
        return samples.sorted()[50]
    }
}
