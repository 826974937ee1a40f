import Specs
import Testing

/// The concrete spec on its own: boot satisfies the invariants, and a few hand-made scenarios
/// step through the transitions as the prose says they should.
@Suite struct ConcreteSpecTests {
    let b = Bounds.proof
    var boot: SpecState<Concrete> { .initial(bounds: b, logic: Concrete()) }

    @Test func bootSatisfiesEveryInvariant() {
        #expect(boot.brokenInvariants.isEmpty)
    }

    /// Teardown is one step: a domain's container, its elements and its pages all go. A
    /// container is not an element (typed containers hold values), so nests are one deep.
    @Test func teardownReclaimsContainersWithTheirElementsAndPagesInOneStep() throws {
        var s = try #require(boot.applying(.createDomain, [1]))
        s = try #require(s.applying(.call, [1]))               // now running in domain 1
        s = try #require(s.applying(.alloc, [0, 1]))           // a container
        s = try #require(s.applying(.alloc, [1, 1]))           // another container
        s = try #require(s.applying(.alloc, [2, 0]))           // values
        s = try #require(s.applying(.alloc, [3, 0]))
        #expect(s.applying(.put, [1, 0]) == nil)               // refused: a container inside a container
        s = try #require(s.applying(.put, [2, 0]))
        s = try #require(s.applying(.put, [3, 0]))
        s = try #require(s.applying(.allocPage, [0]))
        s = try #require(s.applying(.ret, []))
        #expect(s.brokenInvariants.isEmpty)
        #expect(s.objectStatus == [1, 1, 2, 2])
        s = try #require(s.applying(.tearDown, [1]))
        #expect(s.objectStatus == [0, 0, 0, 0])
        #expect(s.pageOwner == [Encoding.none, Encoding.none, Encoding.none])
        #expect(s.objectsOwned[1] == 0 && s.pagesOwned[1] == 0)
        #expect(s.brokenInvariants.isEmpty)
    }

    /// Only roots are lent: an element is lent with its container, which that pins: its owner,
    /// called back during the call, can neither take the element out nor drop the container
    /// until the call returns.
    @Test func aLentContainerIsPinnedWithItsElements() throws {
        var s = try #require(boot.applying(.createDomain, [1]))
        s = try #require(s.applying(.createDomain, [2]))
        s = try #require(s.applying(.call, [2]))               // in domain 2, the owner
        s = try #require(s.applying(.alloc, [0, 1]))
        s = try #require(s.applying(.alloc, [1, 0]))
        s = try #require(s.applying(.put, [1, 0]))
        #expect(s.applying(.callLending, [1, 1]) == nil)       // not the element on its own
        s = try #require(s.applying(.callLending, [1, 0]))     // lend the container to domain 1
        s = try #require(s.applying(.call, [2]))               // which calls its owner back
        #expect(s.applying(.take, [1]) == nil)
        #expect(s.applying(.drop, [0]) == nil)
        s = try #require(s.applying(.ret, []))
        s = try #require(s.applying(.ret, []))                 // the lending call returns
        #expect(s.brokenInvariants.isEmpty)
        s = try #require(s.applying(.take, [1]))               // free again
        s = try #require(s.applying(.drop, [0]))
        #expect(s.brokenInvariants.isEmpty)
    }

    /// A→B→A with the inner A trapping: B, in the middle of its call, is told (its call into A
    /// returns domainCrashed) and runs on; when B returns into the dead A, the kernel's call
    /// into A returns domainCrashed in turn, and what that call lent is released. A cannot be
    /// restarted while frames still name it.
    @Test func aCrashTellsEachCallerInTurn() throws {
        var s = try #require(boot.applying(.createDomain, [1]))
        s = try #require(s.applying(.createDomain, [2]))
        s = try #require(s.applying(.alloc, [0, 0]))           // the kernel's object
        s = try #require(s.applying(.callLending, [1, 0]))     // kernel -> 1, lending o0
        s = try #require(s.applying(.call, [2]))               // 1 -> 2
        #expect(s.applying(.callLending, [1, 0]) == nil)       // o0 is lent to 1, not to 2
        s = try #require(s.applying(.call, [1]))               // 2 -> 1 (re-entrant)
        #expect(s.borrows[0] == 1)
        s = try #require(s.applying(.crash, [1]))
        #expect(s.depth[0] == 2 && s.currentDomain == 2)       // back in 2, still inside its call
        #expect(s.domainStatus[1] == DomainStatus.crashed.rawValue)
        #expect(s.borrows[0] == 1)                             // the kernel's call into 1 is still open
        #expect(s.brokenInvariants.isEmpty)
        #expect(s.applying(.restart, [1]) == nil)              // a frame still names 1
        s = try #require(s.applying(.alloc, [1, 0]))           // 2 goes on working
        s = try #require(s.applying(.ret, []))                 // 2 returns into the dead 1: unwound past
        #expect(s.depth[0] == 0 && s.currentDomain == 0)
        #expect(s.borrows[0] == 0)
        #expect(s.brokenInvariants.isEmpty)
        s = try #require(s.applying(.restart, [1]))
        #expect(s.brokenInvariants.isEmpty)
    }

    /// A crash on one thread leaves a thread that runs in another domain, called from the dead
    /// one, running there; the thread running in the dead domain is unwound at once.
    @Test func aCrashUnwindsOnlyTheThreadsRunningInTheDeadDomain() throws {
        var s = try #require(boot.applying(.createDomain, [1]))
        s = try #require(s.applying(.createDomain, [2]))
        s = try #require(s.applying(.spawn, [1, 0]))           // t1, home: the kernel
        s = try #require(s.applying(.call, [1]))               // t0: kernel -> 1
        s = try #require(s.applying(.call, [2]))               // t0: 1 -> 2
        s = try #require(s.applying(.yield, []))               // t1 runs
        s = try #require(s.applying(.call, [1]))               // t1: kernel -> 1
        s = try #require(s.applying(.crash, [1]))              // 1 traps on t1
        #expect(s.depth[1] == 0 && s.currentDomain == 0)
        #expect(s.depth[0] == 2)                               // t0 still runs in 2
        #expect(s.brokenInvariants.isEmpty)
        s = try #require(s.applying(.yield, []))               // t0 runs, in 2
        #expect(s.currentDomain == 2)
        s = try #require(s.applying(.ret, []))                 // and returns into the dead 1
        #expect(s.depth[0] == 0 && s.currentDomain == 0)
        #expect(s.brokenInvariants.isEmpty)
    }

    @Test func guardsRefuseWhatTheKernelRefuses() throws {
        let s = boot
        #expect(s.applying(.drop, [0]) == nil)                 // nothing there
        #expect(s.applying(.call, [1]) == nil)                 // domain 1 not created
        #expect(s.applying(.crash, [0]) == nil)                // the kernel never crashes
        #expect(s.applying(.block, []) == nil)                 // nobody else to run
        #expect(s.applying(.freePage, [0]) == nil)             // not ours
    }
}
