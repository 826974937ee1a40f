import CZ3

/// A failure reported by Z3 (with the NULL error handler installed, Z3 never exits the process:
/// every call is followed by a check of its error code).
struct Z3Failure: Error, CustomStringConvertible {
    let message: String
    var description: String { "Z3 error: \(message)" }
}

/// The solver options `verify` pins, printed with every run so that a time can be reproduced.
/// Chosen by measurement on this machine (see `--help`).
enum SolverOptions {
    static let global: [(String, String)] = [
        ("auto_config", "false"),
        ("smt.relevancy", "0"),
        ("smt.random_seed", "0"),
        ("model.completion", "true"),
    ]
    /// The unbounded encoding's: Z3's own configuration (quantifier instantiation needs its
    /// relevancy filter), a fixed seed.
    static let quantified: [(String, String)] = [
        ("auto_config", "true"),
        ("smt.random_seed", "0"),
        ("model.completion", "true"),
    ]
    static var summary: String { summary(global) }
    static func summary(_ options: [(String, String)]) -> String { options.map { "\($0.0)=\($0.1)" }.joined(separator: " ") }
}

/// One reference-counted Z3 context. Not thread safe: one per thread.
final class Z3Context {
    let raw: Z3_context

    init(options: [(String, String)] = SolverOptions.global) {
        Z3_global_param_reset_all()
        for (name, value) in options { Z3_global_param_set(name, value) }
        let config = Z3_mk_config()
        raw = Z3_mk_context_rc(config)
        Z3_del_config(config)
        Z3_set_error_handler(raw, nil)
    }

    deinit { Z3_del_context(raw) }

    /// Stops with Z3's message if the last call failed.
    @inline(__always) func check(_ what: @autoclosure () -> String = "") {
        let code = Z3_get_error_code(raw)
        if code != Z3_OK {
            let message = String(cString: Z3_get_error_msg(raw, code))
            fatalError("Z3 error in \(what()): \(message)")
        }
    }
}
