import LeafInterfaces
import LeafSDK

/// The NVMe driver (NVMe 1.4; DEVICE-FACTS §1 for QEMU's controller), the same source against
/// QEMU's `-device nvme` (make qemu-test) and against `DeviceModels.NVMeModel` (host tests):
/// one I/O queue pair of up to 512 entries, polled by phase tag, 4 KiB requests on namespace 1.
public final class NVMeDriver: BlockDevice {
    /// The controller in use, if bring-up succeeded (a class of its own so that a call makes one
    /// dynamic access to the queue's state, not one per field). The controller is a constant
    /// beside the queue, so that the queue's calls borrow it rather than retain it.
    final class Session {
        let controller: Controller
        var queue: RequestQueue
        init(_ controller: Controller) throws(DriverError) {
            self.controller = controller
            queue = try RequestQueue(controller: controller)
        }

        func submitAndCollect(_ batch: inout RequestQueue.Batch) throws(AccessError) {
            try queue.submitAndCollect(&batch, on: controller)
        }
    }
    let session: Session?
    /// Why the driver has no device (bring-up failed), for the log.
    public let bringUpFailure: String?

    /// Takes the function it is handed: an NVMe controller (class 01, subclass 08, interface 02)
    /// is reset and brought up; anything else, or a bring-up that fails, leaves the driver
    /// without a device, and every call fails with `noDevice`.
    public init(function: PCIFunction?) {
        guard let function, function.classCode == 0x01, function.subclass == 0x08, function.progIF == 0x02 else {
            session = nil
            bringUpFailure = "not an NVMe controller"
            return
        }
        do throws(DriverError) {
            session = try Session(try Controller(function: function))
            bringUpFailure = nil
        } catch {
            function.disable(.busMastering)
            session = nil
            bringUpFailure = "\(error)"
        }
    }

    public func geometry() throws(RpcError) -> BlockGeometry {
        guard let session else { throw .noDevice }
        return BlockGeometry(blocks: session.queue.blocks, blockSize: 4096, sectorSize: session.queue.sectorSize,
                             queueDepth: session.queue.queueDepth)
    }

    public func statistics() throws(RpcError) -> BlockStatistics {
        guard let session else { throw .noDevice }
        return session.queue.statistics
    }

    /// Why the device stopped working, if it did (the log's view; requests say `deviceFailed`).
    public var failure: String? { session?.queue.failure ?? bringUpFailure }

    public func submitAndCollect(_ batch: consuming RRefDeque<BlockRequest, 128>) throws(RpcError) -> RRefDeque<BlockRequest, 128> {
        guard session != nil else { throw .noDevice }
        var batch = batch
        // An access the SDK refused (none is expected: the driver owns what it touches) ends the
        // call early; the batch still comes back, with what it holds. (Optional chaining borrows
        // the session; a `guard let` would copy it, a retain and a release a call.)
        do { try session?.submitAndCollect(&batch) } catch {}
        return batch
    }
}
