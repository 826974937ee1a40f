import LeafInterfaces

/// usertests: xv6-riscv's user tests, ported to spawn (a test that forked spawns this program
/// again with `child NAME ...`). Each test prints its name and "OK", or "FAILED" and why; the
/// last line is "ALL TESTS PASSED" only if every one passed.
final class UserTests: UserProgram {
    override func main(_ arguments: [String]) -> Int32 {
        if arguments.count >= 3 && arguments[1] == "child" { return child(arguments[2], Array(arguments.dropFirst(3))) }
        let chosen = arguments.count > 1 ? Array(arguments.dropFirst()) : nil
        var failed: [String] = []
        var ran = 0
        for (name, test) in tests where chosen == nil || chosen!.contains(name) {
            print("test \(name): ")
            failures = []
            test(self)()
            ran += 1
            if failures.isEmpty {
                print("OK\n")
            } else {
                print("FAILED: \(failures.joined(separator: "; "))\n")
                failed.append(name)
            }
        }
        if failed.isEmpty {
            print("usertests: \(ran) tests\nALL TESTS PASSED\n")
            return 0
        }
        print("usertests: \(failed.count) of \(ran) FAILED: \(failed.joined(separator: " "))\nSOME TESTS FAILED\n")
        return 1
    }

    var failures: [String] = []

    /// Records a failure unless `condition` holds.
    func expect(_ condition: Bool, _ what: @autoclosure () -> String) {
        if !condition { failures.append(what()) }
    }

    let tests: [(String, (UserTests) -> () -> Void)] = [
        ("opentest", UserTests.openTest),
    ]

    /// The roles a test's spawned children play.
    func child(_ role: String, _ arguments: [String]) -> Int32 {
        complain("usertests: no child role \(role)")
        return 1
    }

    func openTest() {
        let echo = system.open("echo", .readOnly)
        expect(echo.error == .none || echo.error == .notFound, "open echo: \(echo.error)")
        if echo.error == .none { system.close(echo.value) }
        let missing = system.open("doesnotexist", .readOnly)
        expect(missing.error == .notFound, "open doesnotexist: \(missing.error), not notFound")
    }
}
