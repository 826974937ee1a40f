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
    // Every loop over a universe the specification makes is one of these (and the table reads
    // and writes of Tables.swift): the transitions and invariants name rows only through
    // variables bound here, never as Swift integers, so that a logic can bind them over a
    // universe of any size.

    /// `body` holds for every row of `u`.
    func forAll(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Truth { l.forAll(rows: bounds.size(u), body) }

    /// `body` holds for some row of `u`.
    func exists(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Truth { l.exists(rows: bounds.size(u), body) }

    /// The table whose row i of `u` is `body(i)`.
    func tabulate(_ u: Universe, _ body: (L.Value) -> L.Value) -> L.Table { l.tabulate(rows: bounds.size(u), body) }

    /// The flags whose row i of `u` is `body(i)`.
    func flags(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Flags { l.flags(rows: bounds.size(u), body) }

    /// The frame table whose cell for frame f of thread t is `body(t, f)`.
    func tabulateFrames(_ body: (L.Value, L.Value) -> L.Value) -> L.Table {
        l.tabulate(rows: bounds.threads, columns: bounds.frames, body)
    }

    /// The frame flags whose cell for frame f of thread t is `body(t, f)`.
    func frameFlags(_ body: (L.Value, L.Value) -> L.Truth) -> L.Flags {
        l.flags(rows: bounds.threads, columns: bounds.frames, body)
    }

    /// How many rows of `u` satisfy `body`.
    func count(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Value {
        l.count((0..<bounds.size(u)).map { body(c($0)) })
    }

    /// How many frame slots (of every thread, on its stack or not) satisfy `body`.
    func countFrames(_ body: (L.Value, L.Value) -> L.Truth) -> L.Value {
        l.count((0..<bounds.threads * bounds.frames).map { body(c($0 / bounds.frames), c($0 % bounds.frames)) })
    }

    /// One above the highest row of `u` for which `body` holds, or 0 when none does.
    func oneAboveHighest(_ u: Universe, where body: (L.Value) -> L.Truth) -> L.Value {
        var n = c(0)
        for f in 0..<bounds.size(u) { n = l.choose(body(c(f)), c(f + 1), n) }
        return n
    }

    /// Frame `f` of thread `t` in a frame table (rows `t * frames + f`), or `none`.
    func cell(_ table: L.Table, _ t: L.Value, _ f: L.Value) -> L.Value {
        l.select(table, row: t, column: f, columns: bounds.frames, otherwise: c(Encoding.none))
    }

    /// Frame `f` of thread `t` in frame flags, or false.
    func cell(_ table: L.Flags, _ t: L.Value, _ f: L.Value) -> L.Truth {
        l.select(flags: table, row: t, column: f, columns: bounds.frames, otherwise: l.truth(false))
    }

    /// The cell of thread t's top frame (at `top` - 1) in a frame table, or `otherwise` when
    /// the stack is empty. Stated frame by frame (top = f + 1), not as the cell at top - 1:
    /// Z3 answers the bounded queries faster so.
    func topCell(_ table: L.Table, _ t: L.Value, top: L.Value, otherwise: L.Value) -> L.Value {
        var d = otherwise
        for f in 0..<bounds.frames { d = l.choose(l.equal(top, f + 1), cell(table, t, c(f)), d) }
        return d
    }
}
