/// The universes the specification quantifies over, and the quantifiers it is written with.
/// A bounded logic (the concrete one, the finite Z3 encoding) expands a quantifier over the rows
/// its `Bounds` give, each a constant; the invariants are written with a variable for the row,
/// so that an unbounded logic can bind one that ranges over a symbolic size instead.
public enum Universe: Sendable {
    case objects, domains, threads, pages
    /// Frames of one thread's stack (0 at the bottom).
    case frames
    /// Every thread's frames together (threads × frames): the range of a borrow count.
    case frameSlots
}

extension Bounds {
    public func size(_ u: Universe) -> Int {
        switch u {
        case .objects: objects
        case .domains: domains
        case .threads: threads
        case .pages: pages
        case .frames: frames
        case .frameSlots: threads * frames
        }
    }
}

extension SpecState {
    // Every loop over a universe the specification makes is one of these (and the table reads
    // and writes of Tables.swift): the transitions and invariants name rows only through
    // variables bound here, never as Swift integers, so that a logic can bind them over a
    // universe of any size.

    /// The number of rows of `u`.
    func size(_ u: Universe) -> L.Value { l.size(u, rows: bounds.size(u)) }

    /// `v` names a row of `u`.
    func isRow(_ v: L.Value, _ u: Universe) -> L.Truth { l.and(l.atMost(c(0), v), l.less(v, size(u))) }

    /// `body` holds for every row of `u`.
    func forAll(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Truth { l.forAll(u, rows: bounds.size(u), body) }

    /// `body` holds for some row of `u`.
    func exists(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Truth { l.exists(u, rows: bounds.size(u), body) }

    /// The table whose row i of `u` is `body(i)`.
    func tabulate(_ u: Universe, _ body: (L.Value) -> L.Value) -> L.Table { l.tabulate(u, rows: bounds.size(u), body) }

    /// The flags whose row i of `u` is `body(i)`.
    func flags(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Flags { l.flags(u, rows: bounds.size(u), body) }

    /// The frame table whose cell for frame f of thread t is `body(t, f)`.
    func tabulateFrames(_ body: (L.Value, L.Value) -> L.Value) -> L.Table {
        l.tabulate(threads: bounds.threads, frames: bounds.frames, body)
    }

    /// The frame flags whose cell for frame f of thread t is `body(t, f)`.
    func frameFlags(_ body: (L.Value, L.Value) -> L.Truth) -> L.Flags {
        l.flags(threads: bounds.threads, frames: bounds.frames, body)
    }

    /// How many rows of `u` satisfy `body`.
    func count(_ u: Universe, _ body: (L.Value) -> L.Truth) -> L.Value { l.count(u, rows: bounds.size(u), body) }

    /// How many frame slots (of every thread, on its stack or not) satisfy `body`.
    func countFrames(_ body: (L.Value, L.Value) -> L.Truth) -> L.Value {
        l.count(threads: bounds.threads, frames: bounds.frames, body)
    }

    /// One above the highest row of `u` for which `body` holds, or 0 when none does.
    func oneAboveHighest(_ u: Universe, where body: (L.Value) -> L.Truth) -> L.Value {
        l.oneAboveHighest(u, rows: bounds.size(u), where: body)
    }

    /// Row k of `u`: how many rows of `keys` equal k.
    func tally(_ keys: L.Table, into u: Universe) -> L.Table { l.tally(keys, into: u, rows: bounds.size(u)) }

    /// Frame `f` of thread `t` in a frame table (rows `t * frames + f`), or `none`.
    func cell(_ table: L.Table, _ t: L.Value, _ f: L.Value) -> L.Value {
        l.select(table, row: t, column: f, columns: bounds.frames, otherwise: c(Encoding.none))
    }

    /// Frame `f` of thread `t` in frame flags, or false.
    func cell(_ table: L.Flags, _ t: L.Value, _ f: L.Value) -> L.Truth {
        l.select(flags: table, row: t, column: f, columns: bounds.frames, otherwise: l.truth(false))
    }

    /// The cell of thread t's top frame (at `top` - 1) in a frame table, or `otherwise` when
    /// the stack is empty.
    func topCell(_ table: L.Table, _ t: L.Value, top: L.Value, otherwise: L.Value) -> L.Value {
        l.selectTop(table, row: t, top: top, columns: bounds.frames, otherwise: otherwise)
    }
}
