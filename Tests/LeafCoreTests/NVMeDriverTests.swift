@_spi(Kernel) import DeviceModels
@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafDevices
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import NVMeDomain
import Testing

/// The NVMe driver, unchanged from the image QEMU boots, against the NVMe model: bring-up,
/// requests and their errors, timeouts and fatal errors.
@Suite struct NVMeDriverTests {
    @Test func theRequestsFieldsAreWhereTheInterfaceSays() {
        #expect(MemoryLayout<BlockRequest>.offset(of: \.data) == 0)
        #expect(MemoryLayout<BlockRequest>.offset(of: \.block) == BlockRequest.blockField.offset)
        #expect(MemoryLayout<BlockRequest>.offset(of: \.operation) == BlockRequest.operationField.offset)
        #expect(MemoryLayout<BlockRequest>.offset(of: \.status) == BlockRequest.statusField.offset)
        #expect(BlockRequest.targetField.offset == BlockRequest.blockField.offset)
        #expect(MemoryLayout<BlockTarget>.offset(of: \.operation) == BlockRequest.operationField.offset - BlockRequest.blockField.offset)
    }

    @Test(arguments: [512, 4096])
    func bringUpFromAnEnabledControllerGivesTheGeometry(sectorSize: Int) throws {
        _ = try HostPlatform.withKernel { _ in
            let model = NVMeModel(sectors: 64 * 4096 / sectorSize, sectorSize: sectorSize)
            let rig = try NVMeRig(model)
            let g = try rig.driver.geometry()
            #expect(g == BlockGeometry(blocks: 64, blockSize: 4096, sectorSize: sectorSize, queueDepth: 511))
            // Firmware's state: enabled with queues of its own. Bring-up resets it first.
            let again = try NVMeRig(model)
            #expect(try again.driver.geometry().blocks == 64)
            #expect(model.resets >= 1)
            #expect(kernelViolations().isEmpty)
        }
    }

    @Test func writesThenReadsComeBackWithTheirData() throws {
        _ = try HostPlatform.withKernel { _ in
            let model = NVMeModel(sectors: 512)
            model.latency = 0...300
            model.reorders = true
            let rig = try NVMeRig(model)
            let writes = (0..<40).map { BlockRequest(.write, block: UInt64($0 % 64), data: NVMeRig.pattern(block: UInt64($0 % 64), generation: 1)) }
            let w = try rig.run(Array(writes[0..<40].filter { $0.block < 40 }))
            #expect(w.outcomes.allSatisfy { $0.status == .success && $0.handedBack == 1 })
            let r = try rig.run((0..<40).map { BlockRequest(.read, block: UInt64($0)) } + [BlockRequest(.flush, block: 0)])
            for (i, o) in r.outcomes.enumerated() where i < 40 {
                #expect(o.status == .success)
                #expect(equal(o.data, model.storage[i * 4096..<(i + 1) * 4096]) && o.data[5] == NVMeRig.pattern(block: UInt64(i), generation: 1)[5])
            }
            #expect(model.flushes == 1)
            let stats = try rig.driver.statistics()
            #expect(stats.submitted == 81 && stats.completed == 81 && stats.errors == 0 && stats.resets == 0)
        }
    }

    @Test func aMalformedBatchIsRefusedBeforeTheController() throws {
        _ = try HostPlatform.withKernel { _ in
            let model = NVMeModel(sectors: 512)
            let rig = try NVMeRig(model)
            let r = try rig.run([BlockRequest(.read, block: 64), BlockRequest(BlockOperation(raw: 9), block: 1),
                                 BlockRequest(.write, block: .max), BlockRequest(.read, block: 63)])
            #expect(r.outcomes.map(\.status) == [.outOfRange, .invalidOperation, .outOfRange, .success])
            #expect(model.readWriteCommands == 1)
            #expect(try rig.driver.statistics().errors == 3)
        }
    }

    @Test func aSmallQueueTakesWhatFitsAndRefusesTheRest() throws {
        _ = try HostPlatform.withKernel { _ in
            let model = NVMeModel(sectors: 512, maximumQueueEntries: 4)
            model.latency = 100...100
            let rig = try NVMeRig(model)
            #expect(try rig.driver.geometry().queueDepth == 3)
            let r = try rig.run((0..<20).map { BlockRequest(.write, block: UInt64($0), data: NVMeRig.pattern(block: UInt64($0), generation: 2)) })
            #expect(r.outcomes.allSatisfy { $0.status == .success && $0.handedBack == 1 } && r.notAccepted > 0)
            for b in 0..<20 { #expect(model.storage[b * 4096 + 100] == NVMeRig.pattern(block: UInt64(b), generation: 2)[100]) }
        }
    }

    @Test func aCompletionThatNeverComesTimesOutAndTheRestAreSubmittedAgain() throws {
        _ = try HostPlatform.withKernel { _ in
            let model = NVMeModel(sectors: 512)
            model.latency = 10...500
            model.faults = [(ordinal: 3, fault: .neverCompletes), (ordinal: 5, fault: .status(0x281))]
            let rig = try NVMeRig(model)
            let r = try rig.run((0..<8).map { BlockRequest(.read, block: UInt64($0)) })
            let timedOut = r.addresses.firstIndex(of: model.affected[0].address)!
            let failed = r.addresses.firstIndex(of: model.affected[1].address)!
            for (i, o) in r.outcomes.enumerated() {
                #expect(o.status == (i == timedOut ? .timedOut : i == failed ? .controllerError(0x281) : .success), "request \(i): \(o.status)")
            }
            let stats = try rig.driver.statistics()
            #expect(stats.resets == 1 && stats.errors == 2 && model.resets == 1)
            // The device works on after the reset.
            #expect(try rig.run([BlockRequest(.read, block: 1)]).outcomes[0].status == .success)
        }
    }

    @Test func aStuckCommandTimesOutWhileOthersKeepCompleting() throws {
        _ = try HostPlatform.withKernel { _ in
            let model = NVMeModel(sectors: 512)
            model.faults = [(ordinal: 0, fault: .neverCompletes)]
            let rig = try NVMeRig(model)
            var batch = try RRefDeque<BlockRequest, 128>()
            _ = batch.push(try RRef(BlockRequest(.read, block: 0)))
            var statuses: [BlockStatus] = []
            // One new read a call, each completed at once; the first never is.
            for i in 1...60 {
                batch = try rig.driver.submitAndCollect(batch)
                while let r = try batch.pop() { statuses.append(try r.read(BlockRequest.statusField)) }
                _ = batch.push(try RRef(BlockRequest(.read, block: UInt64(i))))
                rig.bus.clock.advance(by: 20_000)
            }
            #expect(statuses.filter { $0 == .timedOut }.count == 1 && statuses.filter { $0 == .success }.count >= 58)
            #expect(try rig.driver.statistics().resets == 1)
        }
    }

    @Test func aFatalControllerFailsWhatWasOutstandingAndIsBroughtUpAgain() throws {
        _ = try HostPlatform.withKernel { _ in
            let model = NVMeModel(sectors: 512)
            model.latency = 1000...1000
            model.faults = [(ordinal: 2, fault: .fatal)]
            let rig = try NVMeRig(model)
            let r = try rig.run((0..<6).map { BlockRequest(.write, block: UInt64($0)) })
            let lost = Set(model.affected.map(\.address))
            #expect(lost.count == 6)
            #expect(r.outcomes.allSatisfy { $0.status == .deviceFailed })
            #expect(try rig.driver.statistics().resets == 1)
            #expect(try rig.run([BlockRequest(.write, block: 1)]).outcomes[0].status == .success)
        }
    }

    @Test func noControllerNoDevice() throws {
        _ = try HostPlatform.withKernel { _ in
            let driver = try BlockDeviceProxy.spawn(name: "nvme-none") { NVMeDriver(function: nil) }
            #expect(throws: RpcError.noDevice) { try driver.geometry() }
            #expect(throws: RpcError.noDevice) { _ = try driver.submitAndCollect(try RRefDeque()) }
        }
    }
}
