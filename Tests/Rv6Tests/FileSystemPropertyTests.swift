@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
import PropertyBased
import RamDiskDomain
import Testing

/// A file tree as the file system should hold it: names to files (by identity, so that links
/// share contents) or directories.
struct ModelTree {
    enum Entry: Equatable { case file(Int), directory }
    var entries: [String: Entry] = [:]
    var files: [Int: [UInt8]] = [:]
    var nextFile = 0

    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return String(path[..<slash])
    }

    /// The error resolving `path`'s directories gives, if any (missing, or a file on the way).
    func parentError(_ path: String) -> SystemError? {
        var walked = ""
        let parts = path.split(separator: "/").dropLast()
        for part in parts {
            walked += "/" + part
            switch entries[walked] {
            case nil: return .notFound
            case .file: return .notDirectory
            case .directory: continue
            }
        }
        return nil
    }

    func children(_ path: String) -> [String] { entries.keys.filter { Self.parent($0) == path } }

    /// What the file system should hold: path to contents (nil for a directory).
    var snapshot: [String: [UInt8]?] {
        var s: [String: [UInt8]?] = [:]
        for (path, e) in entries {
            switch e {
            case .directory: s[path] = .some(nil)
            case .file(let id): s[path] = .some(files[id]!)
            }
        }
        return s
    }
}

/// One step of a random sequence, from a random number: an operation on one or two paths
/// drawn from a few names in a few directories (so that they collide and nest).
struct Step: CustomStringConvertible {
    enum Kind: Int { case create, write, read, makeDirectory, unlink, link, rename, truncate }
    var kind: Kind
    var path: String
    var other: String
    var offsetFraction: Int
    var length: Int
    var seed: Int

    static let directories = ["", "/d", "/e", "/d/f"]
    static let names = ["a", "b", "c", "d", "e", "f"]

    /// The kinds, weighted toward what builds a tree (so that later steps find something).
    static let kinds: [Kind] = [.create, .create, .create, .create, .create, .write, .write, .write, .read, .read,
                                .makeDirectory, .makeDirectory, .makeDirectory, .unlink, .unlink, .link, .link,
                                .rename, .rename, .truncate]

    /// Three paths in four in the root, the rest in the (possible) subdirectories.
    static func path(_ bits: UInt32) -> String {
        let directory = bits & 6 != 6 ? "" : directories[1 + Int(bits & 1 | bits >> 2 & 2) % 3]
        return directory + "/" + names[Int(bits >> 3 & 7) % 6]
    }

    init(_ r: UInt32, maximumLength: Int) {
        kind = Self.kinds[Int(r % 20)]
        path = Self.path(r >> 5)
        other = Self.path(r >> 11)
        offsetFraction = Int(r >> 17 & 7)
        length = Int(r >> 20) % (maximumLength + 1)
        seed = Int(r >> 28)
        existing = r >> 31 == 0 ? Int(r >> 8 & 0xff) : nil
    }

    /// For a step on an existing name, half the time one of the model's names (chosen by this
    /// number) instead of the drawn path, so that writes, links and renames find their file.
    var existing: Int?

    /// The step with its path replaced by one the model holds, where the kind wants one.
    func aimed(at model: ModelTree) -> Step {
        guard let existing, kind != .create, kind != .makeDirectory, !model.entries.isEmpty else { return self }
        var s = self
        let names = model.entries.keys.sorted()
        s.path = names[existing % names.count]
        return s
    }

    var description: String { "\(kind) \(path) \(other) offset \(offsetFraction)/7 length \(length)" }

    /// The state between the step's transactions, if it has two and the first changed the
    /// tree: a file created (or emptied) before its bytes are written; a renamed file under
    /// both names before the old one goes.
    func intermediate(from before: ModelTree, to after: ModelTree) -> [String: [UInt8]?]? {
        var m = before
        switch kind {
        case .create:
            guard case .file(let id)? = after.entries[path] else { return nil }
            if m.entries[path] == nil { m.entries[path] = .file(id) }
            m.files[id] = []
        case .rename:
            guard after.entries[other] != nil, before.entries[other] == nil else { return nil }
            m.entries[other] = before.entries[path]
        default:
            return nil
        }
        return m.snapshot
    }

    static func data(_ n: Int, seed: Int, salt: Int) -> [UInt8] {
        (0..<n).map { UInt8(truncatingIfNeeded: ($0 &+ salt) &* 2_654_435_761 >> 13 &+ seed) }
    }

    /// Runs the step against the file system and the model; a description of any difference.
    func run(_ rig: FSRig, _ model: inout ModelTree, salt: Int) throws -> String? {
        func check(_ got: SystemError, _ expected: SystemError) -> String? {
            got == expected ? nil : "\(self): \(got), expected \(expected)"
        }
        switch kind {
        case .create:
            let bytes = Self.data(length, seed: seed, salt: salt)
            let expected: SystemError
            if let e = model.parentError(path) { expected = e }
            else if model.entries[path] == .directory { expected = .isDirectory }
            else { expected = .none }
            let got = try rig.put(path, bytes)
            if got == .none && expected == .none {
                if case .file(let id) = model.entries[path] { model.files[id] = bytes } else {
                    model.entries[path] = .file(model.nextFile)
                    model.files[model.nextFile] = bytes
                    model.nextFile += 1
                }
            }
            return check(got, expected)
        case .write, .truncate, .read:
            let expected: SystemError
            if let e = model.parentError(path) { expected = e }
            else if model.entries[path] == nil { expected = .notFound }
            else if model.entries[path] == .directory && kind != .read { expected = .isDirectory }
            else { expected = .none }
            let flags: OpenFlags = kind == .read ? .readOnly : kind == .write ? .readWrite : .writeOnly | .truncate
            let o = try rig.open(path, flags)
            if let problem = check(o.error, expected) { return problem }
            guard o.error == .none else { return nil }
            defer { _ = try? rig.fs.close(o.handle) }
            guard case .file(let id) = model.entries[path] else { return nil }   // a directory opened to read
            if kind == .truncate {
                model.files[id] = []
                return nil
            }
            let size = model.files[id]!.count
            let offset = size * offsetFraction / 7
            if kind == .read {
                let (bytes, error) = try rig.read(o.handle, at: offset, count: min(length, 4096))
                let want = Array(model.files[id]![offset..<min(size, offset + min(length, 4096))])
                return error == .none && bytes == want ? nil : "\(self): read \(bytes.count) bytes (\(error)), expected \(want.count)"
            }
            let bytes = Self.data(min(length, 4096), seed: seed, salt: salt)
            let (written, error) = try rig.write(o.handle, at: offset, bytes)
            guard written == bytes.count, error == .none else { return "\(self): wrote \(written) (\(error))" }
            var contents = model.files[id]!
            let end = offset + bytes.count
            if end > contents.count { contents += [UInt8](repeating: 0, count: end - contents.count) }
            contents.replaceSubrange(offset..<end, with: bytes)
            model.files[id] = contents
            return nil
        case .makeDirectory:
            let expected = model.parentError(path) ?? (model.entries[path] != nil ? .exists : .none)
            let got = try rig.fs.makeDirectory(try rig.path(path), from: .none)
            if got == .none && expected == .none { model.entries[path] = .directory }
            return check(got, expected)
        case .unlink:
            let expected: SystemError
            if let e = model.parentError(path) { expected = e }
            else if model.entries[path] == nil { expected = .notFound }
            else if model.entries[path] == .directory && !model.children(path).isEmpty { expected = .notEmpty }
            else { expected = .none }
            let got = try rig.fs.unlink(try rig.path(path), from: .none)
            if got == .none && expected == .none { model.entries[path] = nil }
            return check(got, expected)
        case .link, .rename:
            let expected: SystemError
            if let e = model.parentError(path) { expected = e }
            else if model.entries[path] == nil { expected = .notFound }
            else if model.entries[path] == .directory { expected = .isDirectory }
            else if let e = model.parentError(other) { expected = e }
            else if model.entries[other] != nil { expected = .exists }
            else { expected = .none }
            let got = try rig.fs.link(try rig.path(path), to: try rig.path(other), from: .none)
            if let problem = check(got, expected) { return problem }
            guard got == .none else { return nil }
            model.entries[other] = model.entries[path]
            if kind == .rename {
                if let problem = check(try rig.fs.unlink(try rig.path(path), from: .none), .none) { return problem }
                model.entries[path] = nil
            }
            return nil
        }
    }
}

/// Random operation sequences against the model tree, and power cuts at random points.
@Suite struct FileSystemPropertyTests {
    /// Each sequence: up to 30 steps on a fresh disk, every result checked against the model;
    /// then fsck on the image, and the whole tree read back after a remount.
    @Test func randomSequencesMatchTheModelAndLeaveACleanImage() async {
        let sequences = 1000
        print("rv6fs property: \(sequences) sequences of up to 30 operations on the RAM disk (seed printed on failure)")
        let counts = Counts()
        await propertyCheck(count: sequences, input: Gen.uint32().array(of: 1...30)) { raw in
            do {
                let failures = try HostPlatform.withKernel { _ in try Self.sequence(raw, counts, try FSRig()) }.0
                if !failures.isEmpty { Issue.record("\(failures.joined(separator: "\n"))\ninput: \(raw)") }
            } catch { Issue.record("\(error)\ninput: \(raw)") }
        }
        print("rv6fs property: \(counts.steps) operations, \(counts.refused) left the tree as it was (reads, and refusals the model expected), \(counts.files) files and directories at the ends")
        print("rv6fs property: by kind (create write read mkdir unlink link rename truncate) \(counts.byKind), of them changing the tree \(counts.changed)")
        #expect(counts.refused > 0 && counts.files > 0)
    }

    /// The same, with the NVMe driver on the NVMe model as the disk and the kernel's 16-slot
    /// buffer cache (the fewest an operation may need).
    @Test func randomSequencesOnTheNVMeDriverMatchTheModel() async {
        let sequences = 1000
        print("rv6fs property: \(sequences) sequences of up to 30 operations on the NVMe driver and model, a 16-slot cache (seed printed on failure)")
        let counts = Counts()
        await propertyCheck(count: sequences, input: Gen.uint32().array(of: 1...30)) { raw in
            do {
                let failures = try HostPlatform.withKernel { _ in try Self.sequence(raw, counts, try FSRig.onNVMe(cacheSlots: 16)) }.0
                if !failures.isEmpty { Issue.record("\(failures.joined(separator: "\n"))\ninput: \(raw)") }
            } catch { Issue.record("\(error)\ninput: \(raw)") }
        }
        print("rv6fs property (NVMe): \(counts.steps) operations, \(counts.files) files and directories at the ends")
        #expect(counts.files > 0)
    }

    final class Counts {
        var byKind = [Int](repeating: 0, count: 8), changed = [Int](repeating: 0, count: 8)
        var steps = 0, refused = 0, files = 0, cuts = 0, inFlightKept = 0, inFlightLost = 0, inFlightHalf = 0 }

    static func sequence(_ raw: [UInt32], _ counts: Counts, _ rig: FSRig) throws -> [String] {
        var model = ModelTree()
        var failures: [String] = []
        for (i, r) in raw.enumerated() {
            let step = Step(r, maximumLength: 9000).aimed(at: model)
            let before = model.snapshot
            if let problem = try step.run(rig, &model, salt: i) { failures.append("step \(i): \(problem)") }
            if model.snapshot == before { counts.refused += 1 } else { counts.changed[step.kind.rawValue] += 1 }
            counts.byKind[step.kind.rawValue] += 1
            counts.steps += 1
        }
        let report = rig.check()
        if !report.isClean { failures.append("fsck: \(report.problems.joined(separator: "; "))") }
        let remounted = try FSRig(RamDisk(image: rig.image()))
        let tree = try remounted.tree()
        if tree != model.snapshot { failures.append("after remount: \(tree.keys.sorted()) != \(model.snapshot.keys.sorted())") }
        counts.files += tree.count
        return failures
    }

    /// Each sequence: some operations, then the power is cut after a random number of further
    /// block writes while more operations run. The disk as the cut left it mounts (the log
    /// recovered), fsck finds it clean, and it holds every operation that returned before the
    /// cut, and of the one the cut interrupted all, nothing, or what its first transaction did
    /// (writes are kept to 3 KiB, one transaction), and nothing after.
    @Test func aPowerCutLosesNothingThatReturnedAndLeavesACleanImage() async {
        let sequences = 1000
        print("rv6fs power cuts: \(sequences) sequences (seed printed on failure)")
        let counts = Counts()
        await propertyCheck(count: sequences, input: Gen.uint32().array(of: 2...24)) { raw in
            do {
                let failures = try HostPlatform.withKernel { _ in try Self.cut(raw, counts) }.0
                if !failures.isEmpty { Issue.record("\(failures.joined(separator: "\n"))\ninput: \(raw)") }
            } catch { Issue.record("\(error)\ninput: \(raw)") }
        }
        print("rv6fs power cuts: \(counts.cuts) cuts inside an operation; its effect kept \(counts.inFlightKept) times, lost \(counts.inFlightLost), between its two transactions \(counts.inFlightHalf)")
        #expect(counts.inFlightKept > 0 && counts.inFlightLost > 0)
    }

    static func cut(_ raw: [UInt32], _ counts: Counts) throws -> [String] {
        let rig = try FSRig()
        var model = ModelTree()
        let before = raw.count / 2
        for (i, r) in raw.prefix(before).enumerated() { _ = try Step(r, maximumLength: 3072).aimed(at: model).run(rig, &model, salt: i) }
        let writesAllowed = Int(raw[0] >> 20) % 40
        rig.disk.cutPower(afterWrites: writesAllowed)
        let base = rig.disk.writesAsked
        // The snapshots after each operation from the cut on, and the stored writes then.
        var snapshots = [model.snapshot]
        var intermediates: [[String: [UInt8]?]?] = []
        var interrupted: Int? = nil
        for (i, r) in raw.dropFirst(before).enumerated() {
            let step = Step(r, maximumLength: 3072).aimed(at: model)
            let prior = model
            _ = try step.run(rig, &model, salt: before + i)
            snapshots.append(model.snapshot)
            intermediates.append(step.intermediate(from: prior, to: model))
            // The first operation that asked for a write past the cut is the one it interrupted.
            if interrupted == nil && rig.disk.writesAsked - base > writesAllowed { interrupted = i }
        }
        var failures: [String] = []
        let survivor = try FSRig(RamDisk(image: rig.disk.image()))
        let status = try survivor.fs.mountStatus()
        guard status.problem == .none else { return ["after the cut, mount: \(status.description)"] }
        let report = survivor.check()
        if !report.isClean { failures.append("after the cut, fsck: \(report.problems.joined(separator: "; "))") }
        let tree = try survivor.tree()
        guard let k = interrupted else {
            // The cut never came: everything is there.
            if tree != snapshots.last! { failures.append("no cut, yet the tree differs") }
            return failures
        }
        // Operations 0..<k returned with every write stored; the cut fell inside k.
        if tree == snapshots[k + 1] {
            if snapshots[k + 1] != snapshots[k] { counts.inFlightKept += 1; counts.cuts += 1 }
        } else if tree == snapshots[k] {
            counts.inFlightLost += 1
            counts.cuts += 1
        } else if let between = intermediates[k], tree == between {
            counts.inFlightHalf += 1
            counts.cuts += 1
        } else {
            failures.append("after the cut in operation \(k): \(tree.keys.sorted()) is neither before nor after it")
        }
        return failures
    }
}
