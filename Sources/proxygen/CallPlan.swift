/// What a proxy does for one method, in words: the one-line summary above each generated
/// method and the lines of `--explain` come from here, so they cannot disagree.
enum CallPlan {
    /// e.g. `copies route, hop in; lends value for the call; copies the result back`.
    static func summary(of method: Method) -> String {
        var parts: [String] = []
        func names(_ passing: Passing) -> String {
            method.parameters.filter { $0.passing == passing }.map(\.name).joined(separator: ", ")
        }
        let copied = names(.copied), passed = names(.passedThrough), lent = names(.lent), moved = names(.moved)
        if !copied.isEmpty { parts.append("copies \(copied) in") }
        if !passed.isEmpty {
            let several = method.parameters.filter { $0.passing == .passedThrough }.count > 1
            parts.append("passes the prox\(several ? "ies" : "y") \(passed) through")
        }
        if !lent.isEmpty { parts.append("lends \(lent) for the call") }
        if !moved.isEmpty { parts.append("moves \(moved) in") }
        switch method.result {
        case .value: parts.append("copies the result back")
        case .owned: parts.append("moves the result back")
        case .interface: parts.append("passes the result's proxy back")
        case nil: break
        }
        return parts.isEmpty ? "nothing crosses but the call" : parts.joined(separator: "; ")
    }

    /// One line per argument and one for the result, for `--explain`.
    static func steps(of method: Method) -> [String] {
        var lines: [String] = []
        for p in method.parameters {
            let what = "\(p.name) (\(p.type.spelling))"
            switch p.passing {
            case .copied:
                lines.append("copies  \(what) into the call")
            case .passedThrough:
                lines.append("passes  \(what) through: it must be a \(proxyName(p.type)) (else ownershipViolation), so the callee's calls on it cross that proxy's gate")
            case .lent:
                lines.append("lends   \(what) for the call: borrow count +1, released when the call returns or the callee crashes")
            case .moved:
                lines.append("moves   \(what) to the callee: the caller gives it up (ownershipViolation unless it owns it); reclaimed with the callee if it crashes")
            }
        }
        switch method.result {
        case .value(let spelling, _)?:
            lines.append("returns the result (\(spelling)), copied back")
        case .owned(let spelling, _)?:
            lines.append("returns the result (\(spelling)), moved back to the caller (ownershipViolation unless the callee owns it)")
        case .interface?:
            lines.append("returns the result (\(method.result!.spelling)) as it is: it must be a \(proxyName(method.result!)) (else ownershipViolation)")
        case nil:
            lines.append("returns nothing")
        }
        return lines
    }

    static func proxyName(_ type: ExchangeType) -> String {
        if case .interface(let name) = type { return name + "Proxy" }
        return type.spelling
    }
}
