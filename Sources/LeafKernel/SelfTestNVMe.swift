@_spi(Kernel) import LeafCore
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import LeafBoot
import NVMeDomain

/// The NVMe driver on QEMU's controller (DEVICE-FACTS §1), brought up by the manifest from the
/// state SeaBIOS left: a pattern written to blocks across the namespace, flushed, read back; a
/// malformed batch refused; IOPS at batch 1 and 32. After QEMU exits, boot/qemu.sh checks the
/// image file on the host (scripts/check-nvme-image.py, the same blocks and pattern).
extension SelfTest {
    /// The blocks the pattern goes to: 64 spread over the namespace, and the last one.
    static func patternBlocks(_ blocks: UInt64) -> [UInt64] {
        (0..<64).map { UInt64($0) * (blocks / 64) + UInt64($0 % 7) } + [blocks - 1]
    }

    /// Word k of block b's pattern (little-endian in the image).
    static func patternWord(_ block: UInt64, _ k: Int) -> UInt64 { (block << 32 | UInt64(k)) ^ 0x5357_4946_544c_4541 }

    static func nvme() {
        print("step: nvme")
        guard let graph, let driver = graph.proxy(BlockDeviceProxy.self, of: "nvme") else { check(false, "the manifest's nvme domain"); return }
        let geometry: BlockGeometry
        do throws(RpcError) { geometry = try driver.geometry() } catch {
            check(false, "the NVMe driver has no device: \(error); \((driver.target as? NVMeDriver)?.failure ?? "")")
            return
        }
        check(geometry.blocks == 4096 && geometry.sectorSize == 512 && geometry.queueDepth >= 256,
              "the NVMe driver (\(driver.domain)) brought QEMU's controller up from SeaBIOS's state: \(geometry.blocks) blocks of 4 KiB (sectors of \(geometry.sectorSize) B), queue depth \(geometry.queueDepth)")
        let blocks = patternBlocks(geometry.blocks)
        // Writes, 32 to a batch, then a flush.
        var writes: [BlockRequest] = []
        for b in blocks {
            var request = BlockRequest(.write, block: b)
            for k in 0..<512 {
                let w = patternWord(b, k)
                for i in 0..<8 { request.data[8 * k + i] = UInt8(truncatingIfNeeded: w >> (8 * UInt64(i))) }
            }
            writes.append(request)
        }
        var ok = true
        var start = 0
        while start < writes.count {
            let end = min(start + 32, writes.count)
            ok = ok && (run(driver, Array(writes[start..<end]))?.allSatisfy { $0.status == .success } ?? false)
            start = end
        }
        let flushed = run(driver, [BlockRequest(.flush, block: 0)])?.first?.status
        check(ok && flushed == .success, "wrote \(blocks.count) blocks across the namespace (0 to \(geometry.blocks - 1)) and flushed: \(flushed.map { "\($0)" } ?? "no answer")")
        // Read back, 32 to a batch, and compared.
        var same = 0
        start = 0
        while start < blocks.count {
            let end = min(start + 32, blocks.count)
            for (i, r) in (run(driver, blocks[start..<end].map { BlockRequest(.read, block: $0) }) ?? []).enumerated()
                where r.status == .success && r.data[0] == writes[start + i].data[0] {
                var all = true
                for k in 0..<4096 where r.data[k] != writes[start + i].data[k] { all = false; break }
                if all { same += 1 }
            }
            start = end
        }
        check(same == blocks.count, "read back \(same) of \(blocks.count) blocks as written")
        // A malformed batch: refused before the controller, the good request in it served.
        let malformed = run(driver, [BlockRequest(.read, block: geometry.blocks), BlockRequest(BlockOperation(raw: 7), block: 1),
                                     BlockRequest(.read, block: blocks[1])])?.map { $0.status }
        check(malformed == [.outOfRange, .invalidOperation, .success],
              "a malformed batch: past the end \(malformed.map { "\($0[0])" } ?? "?"), operation 7 \(malformed.map { "\($0[1])" } ?? "?"), a good read \(malformed.map { "\($0[2])" } ?? "?")")
        if let stats = try? driver.statistics() {
            check(stats.errors == 2 && stats.resets == 0 && stats.completed == stats.submitted + 2,
                  "driver counters: \(stats.submitted) submitted, \(stats.completed) completed, \(stats.errors) errors, \(stats.resets) resets")
        }
        iops(driver, batch: 1, requests: 256)
        iops(driver, batch: 32, requests: 2048)
    }

    /// Sequential 4 KiB reads, `batch` at a time (submitted together, all collected before the
    /// next batch): requests per second on this machine's QEMU (for information).
    static func iops(_ driver: BlockDeviceProxy, batch: Int, requests: Int) {
        let reads = (0..<batch).map { BlockRequest(.read, block: UInt64($0)) }
        let begin = Clock.now
        var done = 0
        while done < requests {
            guard let r = run(driver, reads), r.allSatisfy({ $0.status == .success }) else { check(false, "IOPS run at batch \(batch)"); return }
            done += batch
        }
        let ms = max(1, (Clock.now - begin) / Clock.tscPerMs)
        print("nvme: \(UInt64(done) * 1000 / ms) IOPS at batch \(batch) (\(done) reads of 4 KiB in \(ms) ms)")
    }

    /// Submits `requests` and collects until all are back (at most 10 s); nil if they were not.
    /// The results are in the order of `requests`, matched by their buffers.
    static func run(_ driver: BlockDeviceProxy, _ requests: [BlockRequest]) -> [BlockRequest]? {
        guard var batch = try? RRefDeque<BlockRequest, 128>() else { return nil }
        var addresses: [UInt64] = []
        for r in requests {
            guard let ref = try? RRef(r), let address = try? Kernel.devicePayload(ref.id, type: BlockRequest.exchangeableTypeID) else { return nil }
            addresses.append(UInt64(UInt(bitPattern: address)))
            if batch.push(ref) != nil { return nil }
        }
        var results = requests
        var back = 0
        let deadline = Clock.deadline(afterMilliseconds: 10_000)
        while back < requests.count && Clock.now < deadline {
            do throws(RpcError) { batch = try driver.submitAndCollect(batch) } catch { return nil }
            while let r = try? batch.pop() {
                guard let value = try? r.read(), let payload = try? Kernel.devicePayload(r.id, type: BlockRequest.exchangeableTypeID),
                      let i = addresses.firstIndex(of: UInt64(UInt(bitPattern: payload))) else { return nil }
                results[i] = value
                back += 1
            }
        }
        return back == requests.count ? results : nil
    }
}
