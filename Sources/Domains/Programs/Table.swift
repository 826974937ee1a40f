import LeafInterfaces
import LeafSDK

/// The programs linked into the kernel image, by the name `spawn` and the shell know them by.
/// Each process runs one in a domain of its own.
public enum Rv6Programs {
    public static var all: [(name: String, make: (any Rv6System) -> any Program)] { [
        ("init", { Init(system: $0) }),
        ("sh", { Shell(system: $0) }),
        ("echo", { Echo(system: $0) }),
        ("cat", { Cat(system: $0) }),
        ("ls", { List(system: $0) }),
        ("mkdir", { MakeDirectory(system: $0) }),
        ("rm", { Remove(system: $0) }),
        ("ln", { Link(system: $0) }),
        ("wc", { WordCount(system: $0) }),
        ("grep", { Grep(system: $0) }),
        ("kill", { Kill(system: $0) }),
        ("sleep", { Sleep(system: $0) }),
        ("uptime", { Uptime(system: $0) }),
        ("ps", { ProcessStatus(system: $0) }),
        ("crash", { Crash(system: $0) }),
        ("halt", { Halt(system: $0) }),
        ("usertests", { UserTests(system: $0) }),
        ("benchfs", { BenchFS(system: $0) }),
    ] }
}
