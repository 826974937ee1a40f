import LeafSDK

/// The memory of one submission queue and its completion queue: 512 entries each, the SQ of
/// 64-byte commands (32 KiB), the CQ of 16-byte entries (8 KiB) read a dword at a time. Both
/// are RRefs of the driver's, given to the device by their physical address (§4.1.1: physically
/// contiguous, page-aligned). A queue in use may have fewer entries (CAP.MQES).
typealias SubmissionRing = InlineArray<512, SubmissionEntry>
typealias CompletionRing = InlineArray<2048, UInt32>
let ringEntries = 512

/// A submission queue and the completion queue it posts to (1:1, DEVICE-FACTS §1: a CQ at least
/// as large as its SQ is never over-committed), with the driver's side of both rings (§4.1).
/// A struct, held inline by its owner: the hot path's accesses to it need no dynamic checks.
struct QueuePair: ~Copyable {
    let id: Int
    let entries: Int
    var submissions: RRef<SubmissionRing>
    var completions: RRef<CompletionRing>
    let submissionAddress: UInt64
    let completionAddress: UInt64
    /// Where the driver writes the next command, and where it expects the next completion; the
    /// phase tag a new completion carries (1 on the first pass, flipping at each wrap, §4.6).
    var tail = 0
    var head = 0
    var phase: UInt32 = 1
    /// SQ y Tail and CQ y Head doorbells (§3.1.24-25).
    let tailDoorbell: Int
    let headDoorbell: Int

    init(id: Int, entries: Int, doorbellStride: Int, function: PCIFunction) throws(DriverError) {
        self.id = id
        self.entries = entries
        tailDoorbell = Register.doorbells + 2 * id * doorbellStride
        headDoorbell = Register.doorbells + (2 * id + 1) * doorbellStride
        let submissions: RRef<SubmissionRing>
        do { submissions = try RRef(repeating: SubmissionEntry(repeating: 0)) } catch { throw .outOfMemory }
        let completions: RRef<CompletionRing>
        do { completions = try RRef(repeating: 0) } catch { throw .outOfMemory }
        let submissionAddress: UInt64, completionAddress: UInt64
        do {
            submissionAddress = try function.deviceAddress(of: submissions)
            completionAddress = try function.deviceAddress(of: completions)
        } catch { throw .device(error) }
        self.submissions = submissions
        self.completions = completions
        self.submissionAddress = submissionAddress
        self.completionAddress = completionAddress
    }

    /// Empties both rings for a controller that has just been enabled: no command waiting, and
    /// a CQ of zeros, whose phase tags read as "not yet posted" (§4.6).
    mutating func clear() throws(DriverError) {
        tail = 0
        head = 0
        phase = 1
        do { for i in 0..<entries * 4 { try completions.write(0, at: i) } } catch { throw .memory(error) }
    }

    /// Puts `command` at the tail; the controller sees it once `ring` writes the doorbell. The
    /// caller keeps fewer than `entries` commands outstanding, so the tail never meets the head.
    @inline(__always)
    mutating func push(_ command: SubmissionEntry) throws(AccessError) {
        try submissions.write(command, at: tail)
        tail = tail &+ 1 == entries ? 0 : tail &+ 1
    }

    /// Tells the controller about the commands pushed since the last ring (§4.1: the new tail).
    @inline(__always)
    func ring(_ registers: MMIOWindow) throws(DeviceError) {
        Fence.beforeDoorbell()
        try registers.write32(tailDoorbell, UInt32(truncatingIfNeeded: tail))
    }

    /// The completion at the head, if the controller has posted it (its phase tag is the
    /// current one).
    @inline(__always)
    func peek() throws(AccessError) -> CompletionWord? {
        let word = CompletionWord(raw: try completions.read(at: head &* 4 &+ 3))
        guard word.phase == phase else { return nil }
        // The rest of the entry, and the data it completes, are read after its status.
        Fence.afterCompletion()
        return word
    }

    /// Moves past the completion at the head.
    @inline(__always)
    mutating func consume() {
        head &+= 1
        if head == entries { head = 0; phase ^= 1 }
    }

    /// Hands the consumed completion entries back to the controller (§4.1: the new head).
    @inline(__always)
    func release(_ registers: MMIOWindow) throws(DeviceError) {
        try registers.write32(headDoorbell, UInt32(truncatingIfNeeded: head))
    }
}
