@_spi(Kernel) import DeviceModels
import Glibc
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
import PropertyBased
import Testing

/// Random batches of reads, writes and flushes (and malformed requests) through the NVMe driver
/// on the model, with the model's latency, reordering, queue size, sector size and one injected
/// fault drawn per sequence; after every batch each request's status and data are checked, and
/// the model's medium is compared with a plain array disk.
let nvmeSequences = 2_000

@Suite struct NVMePropertyTests {
    @Test(.shrinking(true)) func randomBatchesMatchAPlainDiskAndFaultsHitExactlyTheirRequests() async {
        print("nvme property: \(nvmeSequences) sequences (seed printed on failure)")
        let counts = Counts()
        await propertyCheck(count: nvmeSequences, input: Gen.uint32().array(of: 2...60)) { raw in
            let scenario = Scenario(raw)
            let failures = scenario.run(counts)
            if !failures.isEmpty {
                let report = failures.joined(separator: "\n")
                // Printed at once: shrinking may take long, and a run cut short still names it.
                if !counts.reportedBeforeShrinking {
                    counts.reportedBeforeShrinking = true
                    print("nvme property: failing input, before shrinking: \(raw)\n\(report)")
                    fflush(nil)
                }
                Issue.record("\(report)\nscenario: \(scenario)")
            }
        }
        print("nvme property: \(counts.requests) requests, \(counts.faultsHit) faults hit, \(counts.resets) controller resets, \(counts.refused) refused before the controller, \(counts.notAccepted) not accepted (queue full)")
        // Not vacuous: faults really hit requests and the driver really recovered.
        #expect(counts.faultsHit > nvmeSequences / 10 && counts.resets > nvmeSequences / 20 && counts.notAccepted > 0)
    }
}

final class Counts: @unchecked Sendable {
    var requests = 0, faultsHit = 0, resets = 0, refused = 0, notAccepted = 0
    var reportedBeforeShrinking = false
}

/// One sequence, decoded from random numbers (shrinking them shrinks the sequence).
struct Scenario: CustomStringConvertible {
    static let blocks = 64
    var sectorSize: Int
    var queueEntries: Int
    var latency: ClosedRange<UInt64>
    var reorders: Bool
    var fault: (ordinal: Int, fault: NVMeModel.Fault)?
    var batches: [[BlockRequest]]

    init(_ raw: [UInt32]) {
        let c = raw[0]
        sectorSize = c & 1 == 0 ? 512 : 4096
        queueEntries = [4, 16, 2048, 2048][Int(c >> 1) & 3]
        latency = 0...UInt64((c >> 3) & 7) * 500
        reorders = (c >> 6) & 1 == 1
        let ordinal = Int(c >> 10) % 40
        switch (c >> 7) & 7 {
        case 5: fault = (ordinal, .status((c >> 16) & 1 == 0 ? 0x281 : 0x280))
        case 6: fault = (ordinal, .neverCompletes)
        case 7: fault = (ordinal, .fatal)
        default: fault = nil
        }
        batches = [[]]
        var used = Set<UInt64>()
        for word in raw.dropFirst() {
            let block = UInt64((word >> 4) % UInt32(Self.blocks))
            let request: BlockRequest
            switch word % 16 {
            case 0...6: request = BlockRequest(.write, block: block, data: NVMeRig.pattern(block: block, generation: Int(word >> 10)))
            case 7...12: request = BlockRequest(.read, block: block)
            case 13: request = BlockRequest(.flush, block: 0)
            case 14: request = BlockRequest(BlockOperation(raw: UInt8(3 + (word >> 4) % 250)), block: block)
            default: request = BlockRequest(.write, block: UInt64(Self.blocks) + UInt64(word >> 4))
            }
            // A block at most once a batch: the device does not order requests within one.
            if request.operation == .read || request.operation == .write, request.block < Self.blocks {
                if used.contains(request.block) { continue }
                used.insert(request.block)
            }
            batches[batches.count - 1].append(request)
            if (word >> 20) & 7 == 0 { batches.append([]); used = [] }
        }
    }

    var description: String {
        "sectors of \(sectorSize) B, \(queueEntries) queue entries, latency \(latency) µs, reorders \(reorders), fault \(fault.map { "\($0.fault) at read/write #\($0.ordinal)" } ?? "none"), batches \(batches.map { $0.map { "\($0.operation) \($0.block)" } })"
    }

    func run(_ counts: Counts) -> [String] {
        var failures: [String] = []
        do {
            _ = try HostPlatform.withKernel { _ in
                let model = NVMeModel(sectors: Self.blocks * 4096 / sectorSize, sectorSize: sectorSize, maximumQueueEntries: queueEntries)
                model.latency = latency
                model.reorders = reorders
                if let fault { model.faults = [fault] }
                let rig = try NVMeRig(model)
                var disk = [UInt8](repeating: 0, count: Self.blocks * 4096)
                for (n, batch) in batches.enumerated() where !batch.isEmpty {
                    let affectedBefore = model.affected.count
                    let result = try rig.run(batch)
                    counts.requests += batch.count
                    counts.notAccepted += result.notAccepted
                    let hits = model.affected[affectedBefore...]
                    counts.faultsHit += hits.count
                    var failedFlushes = 0
                    for (i, request) in batch.enumerated() {
                        let o = result.outcomes[i]
                        let what = "batch \(n) request \(i) (\(request.operation) \(request.block))"
                        if o.handedBack != 1 { failures.append("\(what) came back \(o.handedBack) times") }
                        let range = Int(min(request.block, UInt64(Self.blocks))) * 4096..<Int(min(request.block, UInt64(Self.blocks))) * 4096 + 4096
                        if request.operation.raw > 2 {
                            if o.status != .invalidOperation { failures.append("\(what): \(o.status), expected invalid operation") }
                            counts.refused += 1
                            continue
                        }
                        if request.operation == .flush {
                            if o.status == .deviceFailed { failedFlushes += 1 } else if o.status != .success { failures.append("\(what): \(o.status)") }
                            continue
                        }
                        if request.block >= Self.blocks {
                            if o.status != .outOfRange { failures.append("\(what): \(o.status), expected out of range") }
                            counts.refused += 1
                            continue
                        }
                        let hit = hits.last { $0.address == result.addresses[i] }?.fault
                        let expected: BlockStatus = switch hit {
                        case .status(let code): .controllerError(code)
                        case .neverCompletes: .timedOut
                        case .fatal: .deviceFailed
                        case nil: .success
                        }
                        if o.status != expected { failures.append("\(what): \(o.status), expected \(expected)") }
                        if request.operation == .write && o.status == .success {
                            for k in 0..<4096 { disk[range.lowerBound + k] = request.data[k] }
                        } else if request.operation == .write && hit == .fatal {
                            // Lost with the controller: on the medium or not, but nothing else.
                            let now = Array(model.storage[range])
                            if !(equal(request.data, now[...]) || Array(disk[range]) == now) { failures.append("\(what): a failed write left a block that is neither old nor new") }
                            disk.replaceSubrange(range, with: now)
                        } else if request.operation == .read && o.status == .success && !equal(o.data, disk[range]) {
                            failures.append("\(what): read data differs from the disk")
                        }
                    }
                    let lostFlushes = hits.filter { $0.opcode == 0 && $0.fault == .fatal }.count
                    if failedFlushes != lostFlushes { failures.append("batch \(n): \(failedFlushes) flushes failed, the controller lost \(lostFlushes)") }
                    if model.storage != disk { failures.append("batch \(n): the medium differs from the plain disk") }
                    if !failures.isEmpty { break }
                }
                counts.resets += Int(try rig.driver.statistics().resets)
                failures += kernelViolations()
            }
        } catch { failures.append("error: \(error)") }
        return failures
    }
}
