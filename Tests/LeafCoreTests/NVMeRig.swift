@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import NVMeDomain

/// The NVMe driver in its own domain against the NVMe model on a virtual bus, and a way to run
/// a batch of requests through it to the end: submit, let the device work (the test stepping
/// the model and moving the bus's clock, as time passes on real hardware), collect, resubmit
/// what the queue could not take, until every request is back.
final class NVMeRig {
    static let address = PCIAddress(bus: 0, device: 3, function: 0)
    let bus = VirtualPCIBus()
    let model: NVMeModel
    let function: PCIFunction
    let driver: BlockDeviceProxy
    /// Microseconds of the bus's time that pass on each idle poll.
    var idleStep: UInt64 = 20_000

    init(_ model: NVMeModel) throws {
        self.model = model
        bus.attach(model, at: Self.address)
        function = bus.function(at: Self.address)!
        let handed = bus.function(at: Self.address)
        driver = try BlockDeviceProxy.spawn(name: "nvme") { NVMeDriver(function: handed) }
    }

    struct Outcome { var status: BlockStatus; var data: InlineArray<4096, UInt8>; var handedBack: Int }

    /// Runs `requests` through the driver; each outcome is the request as it came back, with how
    /// many times it came back (exactly once, unless refused as not accepted and resubmitted).
    func run(_ requests: [BlockRequest], polls: Int = 10_000) throws -> (outcomes: [Outcome], addresses: [UInt64], notAccepted: Int) {
        var outcomes = requests.map { Outcome(status: .pending, data: $0.data, handedBack: 0) }
        var addresses: [UInt64] = []
        // What is still to submit (a deque: RRefs cannot sit in an Array).
        var waiting = try RRefDeque<BlockRequest, 1024>()
        for r in requests {
            let ref = try RRef(r)
            addresses.append(try function.deviceAddress(of: ref))
            _ = waiting.push(ref)
        }
        var done = 0, notAccepted = 0
        var batch = try RRefDeque<BlockRequest, 128>()
        for _ in 0..<polls {
            while (try batch.count()) < batch.capacity, let next = try waiting.pop() { _ = batch.push(next) }
            batch = try driver.submitAndCollect(batch)
            var back = try RRefDeque<BlockRequest, 128>()
            while let r = try batch.pop() { _ = back.push(r) }
            while var r = try back.pop() {
                let value = try r.read()
                let i = addresses.firstIndex(of: try function.deviceAddress(of: r))!
                if value.status == BlockStatus.notAccepted {
                    notAccepted += 1
                    try r.write(BlockStatus.pending, to: BlockRequest.statusField)
                    _ = waiting.push(r)
                    continue
                }
                outcomes[i].handedBack += 1
                outcomes[i].status = value.status
                outcomes[i].data = value.data
                done += 1
            }
            if try done == requests.count && waiting.count() == 0 { return (outcomes, addresses, notAccepted) }
            model.step()
            bus.clock.advance(by: idleStep)
        }
        throw RigError.hang(done: done, of: requests.count)
    }

    enum RigError: Error { case hang(done: Int, of: Int) }

    static func pattern(block: UInt64, generation: Int) -> InlineArray<4096, UInt8> {
        var data = InlineArray<4096, UInt8>(repeating: 0)
        for i in 0..<4096 { data[i] = UInt8(truncatingIfNeeded: Int(block) &* 131 &+ i &* 7 &+ generation &* 29) }
        return data
    }
}

func equal(_ a: InlineArray<4096, UInt8>, _ b: ArraySlice<UInt8>) -> Bool {
    var i = b.startIndex
    for k in 0..<4096 { if a[k] != b[i] { return false }; i += 1 }
    return true
}
