import LeafInterfaces
import LeafSDK

/// A pipe (xv6's pipe.c): a ring of 4 KiB in a slot of the kernel's rings, and its open ends.
/// Reads and writes copy between the ring and the buffer the caller moved in, in place.
struct Pipe {
    /// Where the next byte to read is, and how many are there.
    var head = 0
    var count = 0
    var readers = 1
    var writers = 1
}

extension Rv6Kernel {
    static var pipeCapacity: Int { FileData.capacity }

    func makePipe(_ index: Int) -> PipeResult {
        func refused(_ error: SystemError) -> PipeResult { PipeResult(readEnd: -1, writeEnd: -1, error: error) }
        guard let p = pipes.firstIndex(where: { $0 == nil }) else { return refused(.tooManyFiles) }
        guard let ring = try? RRef(FileData()) else { return refused(.tooManyFiles) }
        // The slot is free (its pipe is nil): nothing comes back.
        _ = rings.put(ring, at: p)
        pipes[p] = Pipe()
        // Both ends' files and descriptors, or none of them.
        let r = allocateFile(OpenFile(kind: .pipeReadEnd(p), readable: true, writable: false))
        let w = allocateFile(OpenFile(kind: .pipeWriteEnd(p), readable: false, writable: true))
        let rfd = r.flatMap { allocateDescriptor(index, $0) }
        let wfd = w.flatMap { allocateDescriptor(index, $0) }
        guard let rfd, let wfd else {
            for fd in [rfd, wfd] { if let fd { processes[index].descriptors[Int(fd)] = -1 } }
            for file in [r, w] { if let file { files[file] = nil } }
            dropPipe(p)
            return refused(.tooManyFiles)
        }
        return PipeResult(readEnd: rfd, writeEnd: wfd, error: .none)
    }

    func dropPipe(_ p: Int) {
        pipes[p] = nil
        _ = try? rings.take(at: p)
    }

    func closePipeEnd(_ p: Int, writing: Bool) {
        guard var pipe = pipes[p] else { return }
        if writing { pipe.writers -= 1 } else { pipe.readers -= 1 }
        if pipe.readers == 0 && pipe.writers == 0 {
            dropPipe(p)
        } else {
            pipes[p] = pipe
        }
        wakeup(.pipe(p))
    }

    /// Waits for bytes (or for every writer to go: 0 bytes, the end), then takes what there is,
    /// up to the buffer's length.
    func pipeRead(_ index: Int, _ p: Int, _ buffer: consuming RRef<FileData>) -> RRef<FileData> {
        var buffer = buffer
        guard let wanted = try? buffer.read(FileData.lengthField), Int(wanted) <= FileData.capacity else {
            return failed(buffer, .invalidArgument)
        }
        let thread = processes[index].thread
        while true {
            guard let pipe = pipes[p], let me = processIndex(thread: thread) else { return failed(buffer, .brokenPipe) }
            if pipe.count > 0 || pipe.writers == 0 || wanted == 0 { break }
            if processes[me].killed { return failed(buffer, .killed) }
            sleep(me, on: .pipe(p))
        }
        var pipe = pipes[p]!
        let n = min(Int(wanted), pipe.count)
        // At most two pieces: to the ring's end, then from its start.
        let first = min(n, Rv6Kernel.pipeCapacity - pipe.head)
        do throws(AccessError) {
            try rings.copyBytes(first, at: p, from: pipe.head, into: &buffer, at: 0)
            if n > first { try rings.copyBytes(n - first, at: p, from: 0, into: &buffer, at: first) }
            try buffer.write(UInt32(n), to: FileData.lengthField)
            try buffer.write(SystemError.none, to: FileData.errorField)
        } catch {
            return failed(buffer, .invalidArgument)
        }
        pipe.head = (pipe.head + n) % Rv6Kernel.pipeCapacity
        pipe.count -= n
        pipes[p] = pipe
        wakeup(.pipe(p))
        return buffer
    }

    /// Copies the whole buffer in, waiting for room as readers drain the ring; a pipe with no
    /// reader left is broken (the bytes already in stay written).
    func pipeWrite(_ index: Int, _ p: Int, _ buffer: consuming RRef<FileData>) -> RRef<FileData> {
        var buffer = buffer
        guard let total = try? buffer.read(FileData.lengthField), Int(total) <= FileData.capacity else {
            return failed(buffer, .invalidArgument)
        }
        let thread = processes[index].thread
        var done = 0
        var outcome = SystemError.none
        while done < Int(total) {
            guard var pipe = pipes[p], let me = processIndex(thread: thread) else { outcome = .brokenPipe; break }
            if pipe.readers == 0 { outcome = .brokenPipe; break }
            if processes[me].killed { outcome = .killed; break }
            if pipe.count == Rv6Kernel.pipeCapacity {
                wakeup(.pipe(p))
                sleep(me, on: .pipe(p))
                continue
            }
            let tail = (pipe.head + pipe.count) % Rv6Kernel.pipeCapacity
            let n = min(Int(total) - done, Rv6Kernel.pipeCapacity - pipe.count, Rv6Kernel.pipeCapacity - tail)
            do throws(AccessError) { try rings.copyBytes(n, from: buffer, at: done, into: p, at: tail) } catch {
                outcome = .invalidArgument
                break
            }
            pipe.count += n
            pipes[p] = pipe
            done += n
        }
        wakeup(.pipe(p))
        try? buffer.write(UInt32(done), to: FileData.lengthField)
        try? buffer.write(outcome, to: FileData.errorField)
        return buffer
    }
}
