/// The universes the specification quantifies over, and the quantifiers it is written with.
/// A bounded logic (the concrete one, the finite Z3 encoding) expands a quantifier over the rows
/// its `Bounds` give, each a constant; the invariants are written with a variable for the row,
/// so that an unbounded logic can bind one that ranges over a symbolic size instead.
public enum Universe: Sendable {
    case objects, domains, threads, pages
    /// Frames of one thread's stack (0 at the bottom).
    case frames
}

extension Bounds {
    public func size(_ u: Universe) -> Int {
        switch u {
        case .objects: objects
        case .domains: domains
        case .threads: threads
        case .pages: pages
        case .frames: frames
        }
    }
}

extension SpecState {
    /// `body` holds for every row of `u`.
    func forAll(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Truth { l.forAll(rows: bounds.size(u), body) }

    /// `body` holds for some row of `u`.
    func exists(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Truth { l.exists(rows: bounds.size(u), body) }

    /// The table whose row i of `u` is `body(i)`.
    func tabulate(_ u: Universe, _ body: (L.Value) -> L.Value) -> [L.Value] {
        (0..<bounds.size(u)).map { body(c($0)) }
    }

    /// Frame `f` of thread `t` in a frame table (rows `t * frames + f`), or `none`.
    func cell(_ table: [L.Value], _ t: L.Value, _ f: L.Value) -> L.Value {
        l.select(table, row: t, column: f, columns: bounds.frames, otherwise: c(Encoding.none))
    }
}
