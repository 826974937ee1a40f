import LeafInterfaces

/// The programs linked into the kernel image, by name: each makes the implementation a new
/// program domain exports, given the system-call interface it is to call.
public struct ProgramTable {
    public typealias Make = (any Rv6System) -> any Program
    let programs: [(name: String, make: Make)]

    public init(_ programs: [(name: String, make: Make)]) { self.programs = programs }

    func make(_ name: String) -> Make? { programs.first { $0.name == name }?.make }
    public var names: [String] { programs.map { $0.name } }
}
