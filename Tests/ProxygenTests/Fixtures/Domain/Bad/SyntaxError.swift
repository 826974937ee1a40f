// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 8:17: error: syntax error: expected '(' [syntax-error]
// expect: 8:21: error: syntax error: expected ')' [syntax-error]
// expect: 8:28: error: syntax error: expected ')' [syntax-error]
import LeafInterfaces

public final class Broken {
    func f(_ x: Int -> Int { x }
}
