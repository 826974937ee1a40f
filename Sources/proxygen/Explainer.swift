/// `--explain`: per interface and method, what the generated proxy does with each argument
/// and with the result.
public enum Explainer {
    public static func explain(_ interfaces: [Interface]) -> String {
        var out = """
            Every call: refuses with domainUnavailable unless the callee is live; pushes a frame and saves a
            continuation; lends and moves the RRef arguments; runs the callee; pops the frame, ending the
            borrows; moves returned RRefs back. If the callee traps it is torn down and the call throws
            domainCrashed. An RpcError the callee throws is rethrown as it is. A refused lend or move
            refuses the whole call before the callee runs, and moves already made are undone.

            """
        for interface in interfaces {
            out += "\n\(interface.name) (\(interface.sourceName)) -> \(interface.proxyName)\n"
            for method in interface.methods {
                out += "  \(ProxyWriter.signature(of: method))\n"
                for step in CallPlan.steps(of: method) { out += "    \(step)\n" }
            }
        }
        return out
    }
}
