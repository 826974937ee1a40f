import LeafSDK

/// What a block request asks of the device. The raw value travels in the request, so a value
/// that is none of these is representable: the driver answers it with `invalidOperation`.
public struct BlockOperation: Exchangeable, Equatable, Sendable, CustomStringConvertible {
    public var raw: UInt8
    public static var exchangeableTypeID: UInt64 { 0xc55f_8cb6_d3a3_f267 }   // FNV-1a of "LeafInterfaces.BlockOperation"
    @inlinable public init(raw: UInt8) { self.raw = raw }

    /// The block is read from the device into the request's buffer.
    public static var read: BlockOperation { BlockOperation(raw: 0) }
    /// The request's buffer is written to the block.
    public static var write: BlockOperation { BlockOperation(raw: 1) }
    /// Every write completed before it is on stable media (the block number is ignored).
    public static var flush: BlockOperation { BlockOperation(raw: 2) }

    public var description: String {
        switch raw {
        case 0: "read"
        case 1: "write"
        case 2: "flush"
        default: "operation \(raw)"
        }
    }
}

/// How a request ended. A driver sets it when the request comes back: `pending` is what a new
/// request carries; the controller's own error statuses keep their NVMe code (status code type
/// and status code, NVMe 1.4 §4.6.1.2) under `controllerError`.
public struct BlockStatus: Exchangeable, Equatable, Sendable, CustomStringConvertible {
    public var raw: UInt16
    public static var exchangeableTypeID: UInt64 { 0x1d71_a81c_9240_cc0c }   // FNV-1a of "LeafInterfaces.BlockStatus"
    @inlinable public init(raw: UInt16) { self.raw = raw }

    public static var success: BlockStatus { BlockStatus(raw: 0) }
    /// Not yet completed (what a request is made with).
    public static var pending: BlockStatus { BlockStatus(raw: 1) }
    /// Refused before it reached the device: the block is past the end of the device.
    public static var outOfRange: BlockStatus { BlockStatus(raw: 2) }
    /// Refused before it reached the device: the operation is none the device knows.
    public static var invalidOperation: BlockStatus { BlockStatus(raw: 3) }
    /// Not taken: the device's queue was full. Submit it again later; nothing was done.
    public static var notAccepted: BlockStatus { BlockStatus(raw: 4) }
    /// The device did not complete it in time; the driver reset the controller (stopping any
    /// transfer into the buffer) before handing it back.
    public static var timedOut: BlockStatus { BlockStatus(raw: 5) }
    /// The controller failed (NVMe CSTS.CFS) or could not be brought up while the request was
    /// outstanding; whether a write reached the media is unknown.
    public static var deviceFailed: BlockStatus { BlockStatus(raw: 6) }
    /// The controller completed it with an error: `code` is its status field (SCT in bits 10:8,
    /// SC in bits 7:0).
    public static func controllerError(_ code: UInt16) -> BlockStatus { BlockStatus(raw: 0x8000 | (code & 0x7ff)) }

    /// The controller's status field, if the controller reported the error.
    public var controllerCode: UInt16? { raw & 0x8000 != 0 ? raw & 0x7ff : nil }

    public var description: String {
        if let code = controllerCode { return "controller error (type \(code >> 8), code 0x\(String(code & 0xff, radix: 16)))" }
        switch raw {
        case 0: return "success"
        case 1: return "pending"
        case 2: return "block out of range"
        case 3: return "invalid operation"
        case 4: return "not accepted (queue full)"
        case 5: return "timed out"
        case 6: return "device failed"
        default: return "status \(raw)"
        }
    }
}

/// One block request: its 4 KiB buffer (first, so it starts the payload's page: the device
/// reads or writes it in place), the block, the operation and, once completed, the status.
public struct BlockRequest: Exchangeable, Sendable {
    public var data: InlineArray<4096, UInt8>
    /// The block, in units of `BlockGeometry.blockSize` (4 KiB).
    public var block: UInt64
    public var operation: BlockOperation
    public var status: BlockStatus
    public static var exchangeableTypeID: UInt64 { 0x56db_3922_a202_1bef }   // FNV-1a of "LeafInterfaces.BlockRequest"

    @inlinable public init(_ operation: BlockOperation, block: UInt64, data: InlineArray<4096, UInt8> = .init(repeating: 0)) {
        self.data = data
        self.block = block
        self.operation = operation
        self.status = .pending
    }

    /// The fields a driver reads and writes in place (their offsets in this layout; the host
    /// tests compare them with `MemoryLayout.offset(of:)`).
    @inlinable public static var blockField: ExchangeableField<BlockRequest, UInt64> { .init(offset: 4096) }
    @inlinable public static var operationField: ExchangeableField<BlockRequest, BlockOperation> { .init(offset: 4104) }
    @inlinable public static var statusField: ExchangeableField<BlockRequest, BlockStatus> { .init(offset: 4106) }
    /// The block and the operation together (they are adjacent), read in one access.
    @inlinable public static var targetField: ExchangeableField<BlockRequest, BlockTarget> { .init(offset: 4096) }
}

/// What a request asks for: its block and operation, as they lie in `BlockRequest`.
public struct BlockTarget: Exchangeable, Sendable {
    public var block: UInt64
    public var operation: BlockOperation
    public static var exchangeableTypeID: UInt64 { 0x8853_868a_7877_03a3 }   // FNV-1a of "LeafInterfaces.BlockTarget"
    @inlinable public init(block: UInt64, operation: BlockOperation) {
        self.block = block
        self.operation = operation
    }
}

/// The shape of a block device.
public struct BlockGeometry: BitwiseCopyable, Sendable, Equatable {
    /// Blocks on the device.
    public var blocks: UInt64
    /// Bytes per block (the size of a request's buffer).
    public var blockSize: Int
    /// Bytes per sector of the medium (a block is one or more sectors).
    public var sectorSize: Int
    /// Requests the device can have outstanding at once.
    public var queueDepth: Int
    public init(blocks: UInt64, blockSize: Int, sectorSize: Int, queueDepth: Int) {
        self.blocks = blocks
        self.blockSize = blockSize
        self.sectorSize = sectorSize
        self.queueDepth = queueDepth
    }
}

/// What a block device has done since it was brought up.
public struct BlockStatistics: BitwiseCopyable, Sendable, Equatable {
    /// Requests handed to the controller.
    public var submitted: UInt64
    /// Requests handed back, whatever their status (refused ones included).
    public var completed: UInt64
    /// Requests handed back with a status other than success (refused, failed, timed out).
    public var errors: UInt64
    /// Controller resets after a timeout or a fatal status.
    public var resets: UInt64
    public init(submitted: UInt64, completed: UInt64, errors: UInt64, resets: UInt64) {
        self.submitted = submitted
        self.completed = completed
        self.errors = errors
        self.resets = resets
    }
}

/// A block device, batched and zero copy (RedLeaf's shape): requests move to the driver in a
/// deque and come back in one, each with its status. The buffer a request carries is the memory
/// the device transfers to or from.
public protocol BlockDevice: AnyObject {
    /// The device's geometry; `noDevice` if the driver has none.
    func geometry() throws(RpcError) -> BlockGeometry
    /// Counters since bring-up.
    func statistics() throws(RpcError) -> BlockStatistics
    /// Takes every request of `batch` (in order) and submits it; then fills the same deque, up
    /// to its capacity, with requests handed back: those refused (`outOfRange`,
    /// `invalidOperation`, `notAccepted`) and those completed by the device since the last
    /// call, in the order the device completed them (any order). Requests not yet completed
    /// stay with the driver until a later call (an empty batch just collects). Every request
    /// comes back exactly once. The error is the call's, never a request's.
    func submitAndCollect(_ batch: consuming RRefDeque<BlockRequest, 128>) throws(RpcError) -> RRefDeque<BlockRequest, 128>
}
