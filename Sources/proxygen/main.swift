import Foundation

// Everything lives in `ProxygenTool` so the tests can run the same code; this only does I/O.
var console = ProxygenTool.Console()
let status = ProxygenTool.run(Array(CommandLine.arguments.dropFirst()), console: &console)
FileHandle.standardOutput.write(Data(console.out.utf8))
FileHandle.standardError.write(Data(console.err.utf8))
exit(status)
