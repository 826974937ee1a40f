/// Reading and writing table cells at a symbolic index, and the predicates every transition
/// and invariant is phrased in. With a concrete logic these are plain lookups; with Z3 they
/// unfold into if-then-else chains over the (small) universe.
extension SpecState {
    @inline(__always) var l: L { logic }
    @inline(__always) func c(_ n: Int) -> L.Value { logic.constant(n) }

    /// `table[i]`, or `none` when `i` is out of range.
    public func select(_ table: L.Table, _ i: L.Value) -> L.Value { l.select(table, i, otherwise: c(Encoding.none)) }

    /// `table[i]`, or false when `i` is out of range.
    public func select(_ table: L.Flags, _ i: L.Value) -> L.Truth { l.select(flags: table, i, otherwise: l.truth(false)) }

    /// `table` with `table[i] = v`.
    public func store(_ table: L.Table, _ i: L.Value, _ v: L.Value) -> L.Table { l.update(table, i) { _, _ in v } }

    public func store(_ table: L.Flags, _ i: L.Value, _ v: L.Truth) -> L.Flags { l.store(flags: table, i, v) }

    /// `table[i] += delta` (negative to subtract), each row a count from 0 to `capacity`.
    func adjust(_ table: L.Table, _ i: L.Value, by delta: Int, within capacity: Universe) -> L.Table {
        updating(table, i, within: capacity) { l.plus($0, delta) }
    }

    /// `table[i] -= amount`, each row a count from 0 to `capacity`.
    func adjustDown(_ table: L.Table, _ i: L.Value, by amount: L.Value, within capacity: Universe) -> L.Table {
        updating(table, i, within: capacity) { l.minus($0, amount) }
    }

    /// `table[i] = change(table[i])`, a count from 0 to `capacity` (no-overflow).
    private func updating(_ table: L.Table, _ i: L.Value, within capacity: Universe, _ change: (L.Value) -> L.Value) -> L.Table {
        l.update(table, i) { old, applies in counted(change(old), within: capacity, when: applies) }
    }

    /// `value`, the result of an addition or subtraction on a count from 0 to the size of
    /// `capacity`: where `when` holds (the result is used), it must stay in that range
    /// (no-overflow).
    func counted(_ value: L.Value, within capacity: Universe, when: L.Truth) -> L.Value {
        ledger?.record(l.forEveryBinding(l.implies(when, l.and(l.atMost(c(0), value), l.atMost(value, size(capacity))))))
        return value
    }

    // MARK: Objects

    func objectIs(_ o: L.Value, _ s: ObjectStatus) -> L.Truth {
        l.and(isRow(o, .objects), l.equal(select(objectStatus, o), s.rawValue))
    }
    func isAllocated(_ o: L.Value) -> L.Truth { l.and(isRow(o, .objects), l.not(objectIs(o, .free))) }

    /// Object i is j (and allocated), or an element held in container j. Nests are one level
    /// deep (held objects are never containers), so that is all "inside" can mean.
    func isInside(_ i: L.Value, _ j: L.Value) -> L.Truth {
        l.or(l.and(l.equal(j, i), isAllocated(i)), l.and(objectIs(i, .held), l.equal(select(parent, i), j)))
    }

    /// Domain `d` owns object `o` outright.
    func owns(_ d: L.Value, _ o: L.Value) -> L.Truth { l.and(objectIs(o, .owned), l.equal(select(owner, o), d)) }

    /// Domain `d` owns object i, or the container holding it.
    func ownsRootOf(_ d: L.Value, _ i: L.Value) -> L.Truth {
        l.or(owns(d, i), l.and(objectIs(i, .held), owns(d, select(parent, i))))
    }

    // MARK: Domains

    /// Whether the current domain may change domain `d`: it is the kernel or `d`'s creator
    /// (the kernel domain's creator is the kernel itself).
    func hasAuthority(over d: L.Value) -> L.Truth {
        l.or(l.equal(currentDomain, 0), l.equal(currentDomain, select(creator, d)))
    }

    /// Whether the current domain may wake or end thread `t`: it is the thread's home or has
    /// authority over it.
    func hasAuthority(overThread t: L.Value) -> L.Truth {
        let h = select(home, t)
        return l.or(l.equal(currentDomain, h), hasAuthority(over: h))
    }

    func isLive(_ d: L.Value) -> L.Truth {
        l.and(isRow(d, .domains), l.equal(select(domainStatus, d), DomainStatus.live.rawValue))
    }

    // MARK: Threads and frames

    func threadIs(_ t: L.Value, _ s: ThreadStatus) -> L.Truth {
        l.and(isRow(t, .threads), l.equal(select(threadStatus, t), s.rawValue))
    }
    /// The domain thread t runs in: the callee of its top frame, or its home.
    func runningDomain(of t: L.Value) -> L.Value {
        topCell(callee, t, top: select(depth, t), otherwise: select(home, t))
    }

    /// The thread exists and has not exited: ready, running or blocked.
    func isActive(_ t: L.Value) -> L.Truth {
        l.any([threadIs(t, .ready), threadIs(t, .running), threadIs(t, .blocked)])
    }
    /// Frame f of thread t is on its stack.
    func isOnStack(_ t: L.Value, _ f: L.Value) -> L.Truth { l.less(f, select(depth, t)) }
    func isCurrent(_ t: L.Value) -> L.Truth { l.equal(currentThread, t) }
    func domainIs(_ d: L.Value, _ s: DomainStatus) -> L.Truth {
        l.and(isRow(d, .domains), l.equal(select(domainStatus, d), s.rawValue))
    }

    /// Some frame on the current thread lends object j to domain d.
    func isLent(_ j: L.Value, to d: L.Value) -> L.Truth {
        exists(.threads) { t in
            exists(.frames) { f in
                l.all([isCurrent(t), isOnStack(t, f), l.equal(cell(callee, t, f), d), l.equal(cell(lent, t, f), j)])
            }
        }
    }

    /// The root of object `o`'s nest: the container holding it, or `o` itself.
    func root(of o: L.Value) -> L.Value { l.choose(objectIs(o, .held), select(parent, o), o) }

    /// The current domain may read object `o`: it owns the root of o's nest, or a frame of this
    /// thread lends it that root (LeafCore's `SharedHeap.readable`).
    func isReadable(_ o: L.Value) -> L.Truth {
        let d = currentDomain, r = root(of: o)
        return l.all([isRow(o, .objects), l.not(objectIs(o, .free)), l.or(owns(d, r), isLent(r, to: d))])
    }

    /// Object `j` is pinned: a frame lends it. Only roots are lent, so a loan of a container
    /// pins it and with it what it holds (an element is put, taken, moved or dropped only through
    /// its container). A pinned object is not dropped, moved, put into a container, or put into
    /// or taken from.
    func isPinned(_ j: L.Value) -> L.Truth { l.less(c(0), select(borrows, j)) }

    /// Some frame on some thread's stack calls into or out of domain `d`.
    func hasFrames(_ d: L.Value) -> L.Truth {
        exists(.threads) { t in
            exists(.frames) { f in
                l.and(isOnStack(t, f), l.or(l.equal(cell(caller, t, f), d), l.equal(cell(callee, t, f), d)))
            }
        }
    }

    /// Some thread that has not exited lives in domain `d`.
    func hasThreadsLivingIn(_ d: L.Value) -> L.Truth {
        exists(.threads) { t in l.and(isActive(t), l.equal(select(home, t), d)) }
    }
}
