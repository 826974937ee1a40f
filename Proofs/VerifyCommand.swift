import ArgumentParser
import Foundation
import Specs

/// The command line of `verify`.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Prove the SwiftLeaf specification's invariants with Z3.",
        discussion: """
        The specification (Specs/) is a set of state machines over one state: the shared heap \
        (alloc, drop, move, put, take), domains and the call gate (create, call, call-lend, \
        call-move, return, return-move, crash, teardown, restart), threads (spawn, exit, block, \
        wake, yield, preempt) and pages (page-alloc, page-free). Each transition is a guard and \
        an update, written once in Swift over a Logic protocol; here the same code builds Z3 terms.

        For every transition T and invariant I, verify proves I(s) ∧ guard_T(s) ⇒ I_k(T(s)) \
        (where I is all invariants) as its own query, and init ⇒ I_k; for every transition \
        property P (borrow guarantee, authority, frame condition, no overflow), \
        I(s) ∧ guard_T(s) ⇒ P(s, T(s)). Before the queries of a \
        transition it checks that I ∧ guard_T is satisfiable: a vacuous proof is a failure. A \
        failed obligation prints a counterexample: the pre-state, the transition's arguments, \
        the invariant broken and the post-state; the exit code is then 1.

        Tables are fixed small universes (--objects, --domains, ...): quantifiers unfold into \
        finite conjunctions, so every query is quantifier-free. Integers are signed bit-vectors \
        wide enough that no value the spec computes can wrap (QF_BV; bit-vectors were about 10x \
        faster than linear integer arithmetic on these queries).

        --mutants plants each bug of a catalogue in its transition and checks that some \
        obligation fails for it, printing the claims that catch it and the smallest bound that \
        does; a surviving mutant fails the command, and so does a claim that no mutant breaks \
        alone unless the other invariants imply it.

        --smt2 DIR writes every query as standard SMT-LIB 2, with Z3's answer as its :status \
        (unsat means proven; for a hypotheses file, sat means not vacuous). Any solver reads \
        them: `cvc5 --bitblast=eager FILE`; scripts/replay-smt2.sh DIR replays them all with \
        cvc5 and fails on any other answer (make test does). Solver options are pinned and \
        printed with each run.

        --unbounded proves the same obligations for every table size instead (work in progress; \
        see the README): universe sizes are bit-vector variables, tables Z3 arrays, quantifiers \
        bound below the sizes; --timeout-ms limits each query and unknown is a failure.

        Names: run `verify --list`.
        """)

    @Option(name: .customLong("spec"), help: "Only the transitions of one machine: heap, domains, threads, pages.")
    var machineName: String?

    @Option(name: .customLong("invariant"), help: "Only one invariant or transition property (see --list).")
    var invariantName: String?

    @Option(name: .customLong("transition"), help: "Only one transition (see --list); 'init' for boot alone.")
    var transitionName: String?

    @Option(name: .customLong("smt2"), help: ArgumentHelp("Write every query as SMT-LIB 2 into this directory (created if missing).", valueName: "dir"))
    var smt2Directory: String?

    @Flag(name: .customLong("mutants"), help: "Check that each planted bug of the mutant catalogue is caught.")
    var mutants = false

    @Flag(name: .customLong("unbounded"), help: "Prove the obligations for every table size (tables as functions over IDs; work in progress: see the README).")
    var unbounded = false

    @Option(name: .customLong("timeout-ms"), help: "The unbounded encoding's limit per query, in milliseconds (default 20000).")
    var timeoutMilliseconds: UInt32 = 20_000

    @Option(name: .customLong("z3-option"), help: ArgumentHelp("A Z3 parameter for the unbounded encoding, as name=value (repeatable), for experiments.", valueName: "name=value"))
    var z3Options: [String] = []

    @Flag(name: .customLong("list"), help: "List machines, transitions, invariants and mutants, then exit.")
    var list = false

    @Option(help: "Objects in the shared heap's table (default 4).") var objects = Bounds.proof.objects
    @Option(help: "Domains, the kernel included (default 3).") var domains = Bounds.proof.domains
    @Option(help: "Threads (default 3).") var threads = Bounds.proof.threads
    @Option(help: "Frames per thread (default 3).") var frames = Bounds.proof.frames
    @Option(help: "Private-heap pages (default 3).") var pages = Bounds.proof.pages

    @Flag(name: .customLong("quiet"), help: "Print only failures and the summary line.")
    var quiet = false

    var bounds: Bounds { Bounds(objects: objects, domains: domains, threads: threads, frames: frames, pages: pages) }

    func validate() throws {
        if let m = machineName, Machine.allCases.first(where: { $0.name == m }) == nil {
            throw ValidationError("unknown spec '\(m)'; the specs are: \(Machine.allCases.map(\.name).joined(separator: ", "))")
        }
        if let i = invariantName, Claim.all.first(where: { $0.name == i }) == nil {
            throw ValidationError("unknown invariant '\(i)'; the invariants and transition properties are: \(Claim.all.map(\.name).joined(separator: ", "))")
        }
        if let t = transitionName, t != "init", Transition.allCases.first(where: { $0.name == t }) == nil {
            throw ValidationError("unknown transition '\(t)'; the transitions are: init, \(Transition.allCases.map(\.name).joined(separator: ", "))")
        }
        if let m = machineName, let t = transitionName, t != "init",
           Transition.allCases.first(where: { $0.name == t })?.machine.name != m {
            throw ValidationError("transition '\(t)' is not part of spec '\(m)'")
        }
        for (name, value, least) in [("objects", objects, 2), ("domains", domains, 2), ("threads", threads, 2),
                                     ("frames", frames, 1), ("pages", pages, 1)] where value < least || value > 12 {
            throw ValidationError("--\(name) must be between \(least) and 12 (got \(value))")
        }
        if let dir = smt2Directory {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw ValidationError("--smt2 \(dir): exists and is not a directory")
            }
        }
    }

    func run() throws {
        if list { printCatalogue(); return }
        if let dir = smt2Directory {
            do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            catch { throw ValidationError("--smt2 \(dir): cannot create the directory (\(error.localizedDescription))") }
        }
        var selection = Selection()
        selection.machine = Machine.allCases.first { $0.name == machineName }
        selection.claim = Claim.all.first { $0.name == invariantName }
        if transitionName == "init" {
            selection.transition = nil
            selection.machine = nil
        } else {
            selection.transition = Transition.allCases.first { $0.name == transitionName }
        }
        let onlyInit = transitionName == "init"
        if unbounded { try runUnbounded(selection, onlyInit: onlyInit); return }
        let prover = Prover(bounds: bounds, smt2Directory: smt2Directory)
        print("verify: Z3 \(z3Version()), options: \(SolverOptions.summary)")
        print("verify: bounds: \(objects) objects, \(domains) domains, \(threads) threads, \(frames) frames per thread, \(pages) pages; integers as \(Z3Logic.bitWidth(for: bounds))-bit vectors (QF_BV)")
        if mutants {
            let ok = MutantRun(bounds: bounds, claims: selection.claims, quiet: quiet).run()
            if !ok { throw ExitCode.failure }
            return
        }
        let report = Report(quiet: quiet)
        let start = Date()
        if selection.provesInit || onlyInit {
            prover.prove(nil, selection.claims) { report.record($0) }
        }
        if !onlyInit {
            for t in selection.transitions { prover.prove(t, selection.claims) { report.record($0) } }
        }
        let elapsed = Date().timeIntervalSince(start)
        report.printTable()
        report.printSummary(seconds: elapsed)
        if report.failures > 0 { throw ExitCode.failure }
    }

    private func runUnbounded(_ selection: Selection, onlyInit: Bool) throws {
        var options = SolverOptions.quantified
        for o in z3Options {
            let parts = o.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--z3-option \(o): expected name=value") }
            options.append((parts[0], parts[1]))
        }
        let prover = UnboundedProver(milliseconds: timeoutMilliseconds, options: options)
        prover.smt2Directory = smt2Directory
        let logic = Z3FunctionLogic(prover.context)
        print("verify: Z3 \(z3Version()), options: \(SolverOptions.summary(options)), \(timeoutMilliseconds) ms per query")
        print("verify: every table size: universes of 1 to \(logic.largestSize) rows (threads and frames per thread 1 to \(logic.largestStackSize)); IDs and counts as \(logic.width)-bit vectors; tables as arrays")
        let report = Report(quiet: quiet)
        let start = Date()
        if selection.provesInit || onlyInit { prover.prove(nil, selection.claims) { report.record($0) } }
        if !onlyInit {
            for t in selection.transitions { prover.prove(t, selection.claims) { report.record($0) } }
        }
        report.printTable()
        let s = (Date().timeIntervalSince(start) * 100).rounded() / 100
        print("verified: \(report.outcomes.count) obligations for every table size, \(report.failures) failed, in \(s) s")
        if report.failures > 0 { throw ExitCode.failure }
    }

    private func printCatalogue() {
        print("specs (machines):")
        for m in Machine.allCases {
            print("  \(m.name): transitions \(Transition.allCases.filter { $0.machine == m }.map(\.name).joined(separator: ", "))")
        }
        print("transitions:")
        for t in Transition.allCases {
            print("  \(t.name)(\(t.parameters.map(\.name).joined(separator: ", "))) [\(t.machine.name)]")
        }
        print("invariants:")
        for i in Invariant.allCases { print("  \(i.name): \(i.summary)") }
        print("transition properties (of each step, before and after):")
        for p in TransitionProperty.allCases { print("  \(p.name): \(p.summary)") }
        print("mutants:")
        for m in Mutant.allCases where m != .none { print("  \(m.name) [in \(m.transition.name)]: \(m.summary)") }
    }
}
