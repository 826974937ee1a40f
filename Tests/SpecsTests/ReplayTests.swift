import Glibc
import Testing

/// Replays one sequence given as raw step numbers (`SPECS_REPLAY="1,2,3"`), printing its
/// trace: paste the "replay seed" of a divergence report here to debug it.
@Suite(.serialized) struct ReplayTests {
    @Test func replayFromEnvironment() {
        guard let text = getenv("SPECS_REPLAY").map({ String(cString: $0) }) else { return }
        let raw = text.split(separator: ",").compactMap { UInt32($0.filter { $0 != " " }) }
        let (driver, ops) = runRefinement(raw)
        print(ops.map(\.description).joined(separator: "; "))
        print(driver.trace.joined(separator: "\n"))
        if !driver.failures.isEmpty { reportDivergence(driver, ops, raw) }
    }
}
