import LeafInterfaces

/// sh: xv6's shell over spawn. A line is commands separated by `;` or `&` (run in the
/// background), each a pipeline of programs joined by `|`, each with arguments (double quotes
/// keep spaces) and redirections `<`, `>`, `>>`. `cd` and `exit` are built in. A syntax error
/// or a program that does not exist is reported, and the shell reads on. `sh FILE` reads the
/// commands from a file, `sh -c LINE` runs one line; neither prompts.
final class Shell: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        if arguments.count == 3 && arguments[1] == "-c" { return runLine(Array(arguments[2].utf8)) ? 0 : 1 }
        var input: Int32 = 0
        if arguments.count == 2 {
            let opened = system.open(arguments[1], .readOnly)
            guard opened.error == .none else {
                complain("sh: cannot open \(arguments[1]): \(opened.error)")
                return 1
            }
            input = opened.value
        }
        let prompts = input == 0 && system.fstat(0).type == .device
        var pending: [UInt8] = []
        var status: Int32 = 0
        while true {
            if prompts { print("$ ") }
            // A line: what is pending up to a newline, reading more as needed.
            var line: [UInt8]? = nil
            while line == nil {
                if let end = pending.firstIndex(of: 0x0a) {
                    line = Array(pending[..<end])
                    pending.removeSubrange(...end)
                    break
                }
                guard case .success(let more) = system.read(input), !more.isEmpty else { break }
                pending += more
            }
            guard let text = line ?? (pending.isEmpty ? nil : pending) else { break }
            if line == nil { pending = [] }
            if text.count > 0 && !runLine(text) { status = 1 }
            if exitRequested { break }
        }
        if input != 0 { system.close(input) }
        reapBackground()
        return status
    }

    var exitRequested = false
    var background: [Int32] = []

    // MARK: parsing

    enum Token: Equatable {
        case word(String)
        case pipe, semicolon, ampersand, input, output, append
    }

    struct Redirected {
        var words: [String] = []
        var input: String? = nil
        var output: String? = nil
        var appends = false
    }

    struct Job {
        var pipeline: [Redirected]
        var inBackground: Bool
    }

    enum Parse: Error { case unterminatedQuote, missingFile(String), emptyCommand(String) }

    func tokens(_ line: [UInt8]) throws(Parse) -> [Token] {
        var result: [Token] = []
        var i = 0
        while i < line.count {
            let c = line[i]
            switch c {
            case 0x20, 0x09, 0x0d: i += 1
            case UInt8(ascii: "|"): result.append(.pipe); i += 1
            case UInt8(ascii: ";"): result.append(.semicolon); i += 1
            case UInt8(ascii: "&"): result.append(.ampersand); i += 1
            case UInt8(ascii: "<"): result.append(.input); i += 1
            case UInt8(ascii: ">"):
                if i + 1 < line.count && line[i + 1] == UInt8(ascii: ">") { result.append(.append); i += 2 } else { result.append(.output); i += 1 }
            default:
                var word: [UInt8] = []
                while i < line.count && !" \t\r|;&<>".utf8.contains(line[i]) {
                    if line[i] == UInt8(ascii: "\"") {
                        i += 1
                        while i < line.count && line[i] != UInt8(ascii: "\"") { word.append(line[i]); i += 1 }
                        guard i < line.count else { throw .unterminatedQuote }
                    } else {
                        word.append(line[i])
                    }
                    i += 1
                }
                result.append(.word(String(decoding: word, as: UTF8.self)))
            }
        }
        return result
    }

    func jobs(_ tokens: [Token]) throws(Parse) -> [Job] {
        var jobs: [Job] = []
        var pipeline: [Redirected] = []
        var command = Redirected()
        var i = 0
        func finishCommand(_ after: String) throws(Parse) {
            guard !command.words.isEmpty else { throw .emptyCommand(after) }
            pipeline.append(command)
            command = Redirected()
        }
        while i < tokens.count {
            switch tokens[i] {
            case .word(let w): command.words.append(w)
            case .input, .output, .append:
                let op = tokens[i]
                guard i + 1 < tokens.count, case .word(let file) = tokens[i + 1] else {
                    throw .missingFile(op == .input ? "<" : op == .output ? ">" : ">>")
                }
                if op == .input { command.input = file } else { command.output = file; command.appends = op == .append }
                i += 1
            case .pipe:
                try finishCommand("|")
            case .semicolon, .ampersand:
                let symbol = tokens[i] == .semicolon ? ";" : "&"
                try finishCommand(symbol)
                jobs.append(Job(pipeline: pipeline, inBackground: tokens[i] == .ampersand))
                pipeline = []
            }
            i += 1
        }
        if !command.words.isEmpty || !pipeline.isEmpty {
            try finishCommand("|")
            jobs.append(Job(pipeline: pipeline, inBackground: false))
        }
        return jobs
    }

    // MARK: running

    /// Runs a line; false when something in it failed.
    func runLine(_ line: [UInt8]) -> Bool {
        let parsed: [Job]
        do { parsed = try jobs(try tokens(line)) } catch {
            switch error {
            case .unterminatedQuote: complain("sh: syntax error: unterminated quote")
            case .missingFile(let op): complain("sh: syntax error: no file after \(op)")
            case .emptyCommand(let op): complain("sh: syntax error: no command before \(op)")
            }
            return false
        }
        var ok = true
        for job in parsed where !run(job) { ok = false }
        return ok
    }

    func run(_ job: Job) -> Bool {
        if job.pipeline.count == 1, let builtin = job.pipeline[0].words.first, builtin == "cd" || builtin == "exit" {
            return runBuiltin(job.pipeline[0].words)
        }
        var started: [(pid: Int32, name: String)] = []
        var ok = true
        var previousRead: Int32 = -1
        for (n, command) in job.pipeline.enumerated() {
            var input: Int32 = previousRead >= 0 ? previousRead : 0
            var output: Int32 = 1
            var nextRead: Int32 = -1
            var opened: [Int32] = []
            if n + 1 < job.pipeline.count {
                let p = system.pipe()
                guard p.error == .none else {
                    complain("sh: pipe: \(p.error)")
                    ok = false
                    break
                }
                output = p.writeEnd
                nextRead = p.readEnd
                opened.append(p.writeEnd)
            }
            // The redirections, opened here and handed to the child.
            let outputFlags: OpenFlags = command.appends ? .writeOnly | .create | .append : .writeOnly | .create | .truncate
            var redirected = true
            for (file, flags, isInput) in [(command.input, OpenFlags.readOnly, true), (command.output, outputFlags, false)] {
                guard let file else { continue }
                let f = system.open(file, flags)
                guard f.error == .none else {
                    complain("sh: cannot open \(file): \(f.error)")
                    redirected = false
                    break
                }
                if isInput { input = f.value } else { output = f.value }
                opened.append(f.value)
            }
            guard redirected else {
                ok = false
                for fd in opened { system.close(fd) }
                if nextRead >= 0 { system.close(nextRead) }
                break
            }
            let child = system.spawn(command.words, descriptors: [input, output, 2])
            for fd in opened { system.close(fd) }
            if previousRead >= 0 { system.close(previousRead) }
            previousRead = nextRead
            guard child.error == .none else {
                complain("sh: \(command.words[0]): \(child.error)")
                ok = false
                continue
            }
            started.append((child.value, command.words[0]))
        }
        if previousRead >= 0 { system.close(previousRead) }
        if job.inBackground {
            for s in started {
                print("[\(s.pid)]\n")
                background.append(s.pid)
            }
            return ok
        }
        // Every program of the pipeline, and any background job that ends meanwhile.
        var left = started
        while !left.isEmpty {
            let ended = system.wait()
            guard ended.error == .none else { break }
            if let i = left.firstIndex(where: { $0.pid == ended.pid }) {
                if ended.crashed {
                    complain("sh: \(left[i].name) (pid \(ended.pid)) crashed")
                    ok = false
                } else if ended.status != 0 {
                    ok = false
                }
                left.remove(at: i)
            } else {
                background.removeAll { $0 == ended.pid }
            }
        }
        return ok
    }

    func runBuiltin(_ words: [String]) -> Bool {
        if words[0] == "exit" {
            exitRequested = true
            return true
        }
        guard words.count == 2 else {
            complain("sh: usage: cd directory")
            return false
        }
        let error = system.chdir(words[1])
        guard error == .none else {
            complain("sh: cannot cd \(words[1]): \(error)")
            return false
        }
        return true
    }

    /// Before the shell ends: waits for what it left running.
    func reapBackground() {
        while !background.isEmpty {
            let ended = system.wait()
            guard ended.error == .none else { return }
            background.removeAll { $0 == ended.pid }
        }
    }
}
