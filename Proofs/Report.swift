import CZ3
import Specs

/// Collects outcomes; prints the invariant × transition table and the summary line.
final class Report {
    let quiet: Bool
    private(set) var outcomes: [Outcome] = []
    private(set) var failures = 0

    init(quiet: Bool) { self.quiet = quiet }

    func record(_ o: Outcome) {
        outcomes.append(o)
        switch o.verdict {
        case .proven: break
        case .failed(let text):
            failures += 1
            print("FAILED: \(o.obligation.claim.name) after \(o.obligation.columnName)\n\(text)\n")
        case .vacuous:
            failures += 1
            print("FAILED: \(o.obligation.claim.name) after \(o.obligation.columnName): vacuous, all invariants and the guard of \(o.obligation.columnName) cannot hold together\n")
        case .unknown(let why):
            failures += 1
            print("FAILED: \(o.obligation.claim.name) after \(o.obligation.columnName): Z3 answered unknown (\(why))\n")
        }
    }

    /// Rows: invariants, then transition properties; columns: init and the transitions. A cell
    /// is the time in milliseconds of a proven obligation, or FAIL / VAC (vacuous) / UNK
    /// (unknown).
    func printTable() {
        guard !quiet, !outcomes.isEmpty else { return }
        var columns: [String] = []
        var rows: [String] = []
        for o in outcomes {
            if !columns.contains(o.obligation.columnName) { columns.append(o.obligation.columnName) }
            if !rows.contains(o.obligation.claim.name) { rows.append(o.obligation.claim.name) }
        }
        var cells: [String: String] = [:]
        for o in outcomes {
            let cell: String
            switch o.verdict {
            case .proven: cell = "\(Int((o.seconds * 1000).rounded()))"
            case .failed: cell = "FAIL"
            case .vacuous: cell = "VAC"
            case .unknown: cell = "UNK"
            }
            cells[o.obligation.claim.name + "|" + o.obligation.columnName] = cell
        }
        let nameWidth = rows.map(\.count).max() ?? 10
        let widths = columns.map { max($0.count, 4) }
        func pad(_ s: String, _ w: Int) -> String { String(repeating: " ", count: max(0, w - s.count)) + s }
        func padRight(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        print("proof obligations: each cell is a proven obligation's time in ms (FAIL failed, VAC vacuous, UNK unknown)")
        print(padRight("claim \\ transition", nameWidth) + " " + zip(columns, widths).map { pad($0.0, $0.1) }.joined(separator: " "))
        for r in rows {
            let line = zip(columns, widths).map { pad(cells[r + "|" + $0.0] ?? "", $0.1) }.joined(separator: " ")
            print(padRight(r, nameWidth) + " " + line)
        }
    }

    func printSummary(seconds: Double) {
        let s = (seconds * 100).rounded() / 100
        print("verified: \(outcomes.count) obligations, \(failures) failed, in \(s) s")
    }
}

func z3Version() -> String {
    var major: UInt32 = 0, minor: UInt32 = 0, build: UInt32 = 0, revision: UInt32 = 0
    Z3_get_version(&major, &minor, &build, &revision)
    return "\(major).\(minor).\(build)"
}
