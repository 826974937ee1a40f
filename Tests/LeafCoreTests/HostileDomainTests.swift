@_spi(Kernel) import LeafCore
@_spi(Kernel) import LeafHost
import LeafInterfaces
@_spi(Kernel) import LeafProxies
import Glibc
import Testing

/// The red-team findings against domain isolation, each as the attack a hostile domain author
/// would write, which must now be refused. Where the hole was an API, the attack is a domain
/// snippet that must not compile (strict memory safety as an error, only the SDK and the
/// interfaces on the search path); where it is a check, a runtime test.
@Suite struct HostileDomainCompileTests {
    struct Attack: CustomTestStringConvertible, Sendable {
        let name: String
        let code: String
        let diagnostic: String
        var testDescription: String { name }
    }

    static let attacks: [Attack] = [
        // The kernel's tables and operations are not visible to a domain.
        Attack(name: "read any object through the object table", code: "_ = Kernel.object(at: 0).payload", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "name any object by its row", code: "_ = Kernel.objectID(at: 0)", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "steal an object with moveBack", code: "try CallGate.moveBack(ObjectID(index: 0, generation: 0), from: DomainID(1))", diagnostic: "cannot find 'CallGate' in scope"),
        Attack(name: "enter another domain without a proxy", code: "_ = try CallGate.enter(DomainID(1), incarnation: 1)", diagnostic: "cannot find 'CallGate' in scope"),
        Attack(name: "run code as another domain", code: "try Kernel.run(in: DomainID(1)) {}", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "tear another domain down", code: "try Kernel.tearDown(DomainID(1))", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "restart another domain", code: "try Kernel.restart(DomainID(1))", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "create a domain", code: "_ = try Kernel.createDomain(name: \"mine\")", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "switch threads inside a call", code: "_ = Kernel.yield()", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "rewrite a saved continuation through the frames", code: "_ = Kernel.frames(of: ThreadID(0))", diagnostic: "cannot find 'Kernel' in scope"),
        Attack(name: "box an implementation as an export", code: "final class P {}; _ = Export(P())", diagnostic: "cannot find 'Export' in scope"),
        // The device layer: a domain reaches devices only through the capabilities it is handed.
        Attack(name: "make an MMIO window at an address of its choosing", code: "_ = MMIOWindow(bar: 0, base: 0xfee0_0000, size: 4096, model: nil)",
               diagnostic: "is inaccessible due to '@_spi' protection level"),
        Attack(name: "make the ports of any device its own", code: "_ = PortWindow(bar: 0, base: 0xcf8, size: 8, model: nil)",
               diagnostic: "is inaccessible due to '@_spi' protection level"),
        Attack(name: "forge a PCI function over a configuration space of its own", code: "final class Fake: ConfigSpace {}",
               diagnostic: "cannot find type 'ConfigSpace' in scope"),
        // References cannot be forged.
        Attack(name: "adopt an object by its ID", code: "let r = RRef<Int>(_adopting: ObjectID(index: 0, generation: 0)); _ = r.id", diagnostic: "extraneous argument label '_adopting:' in call"),
        // Types cannot be confused, and nothing with an address or a bad bit pattern is a payload.
        Attack(name: "a pointer payload", code: "let r = try RRef(UnsafeMutablePointer<Int>(bitPattern: 8)!); _ = r.id", diagnostic: "conform to 'Exchangeable'"),
        Attack(name: "an opaque pointer payload", code: "let r = try RRef(OpaquePointer(bitPattern: 8)!); _ = r.id", diagnostic: "conform to 'Exchangeable'"),
        Attack(name: "an Unmanaged payload", code: "final class C {}; let r = try RRef(Unmanaged.passUnretained(C())); _ = r.id", diagnostic: "conform to 'Exchangeable'"),
        Attack(name: "a C function payload", code: "let f: @convention(c) () -> Void = {}; let r = try RRef(f); _ = r.id", diagnostic: "conform to 'Exchangeable'"),
        Attack(name: "an enum payload (invalid bit patterns)", code: "let r = try RRef(TrapKind.overflow); _ = r.id", diagnostic: "requires that 'TrapKind' conform to 'Exchangeable'"),
        Attack(name: "a Bool payload (invalid bit patterns)", code: "let r = try RRef(true); _ = r.id", diagnostic: "requires that 'Bool' conform to 'Exchangeable'"),
        Attack(name: "an Optional payload (invalid bit patterns)", code: "let r = try RRef<Int?>(nil); _ = r.id", diagnostic: "type 'Int?' does not conform to protocol 'Exchangeable'"),
        Attack(name: "an element of another type", code: "var d = try RRefDeque<Int, 4>(); let e = try RRef<UInt8>(1); _ = d.push(e)", diagnostic: "cannot convert value of type 'RRef<UInt8>' to expected argument type 'RRef<Int>'"),
        // Unsafe code is an error in a domain.
        Attack(name: "allocate raw memory", code: "let p = UnsafeMutablePointer<Int>.allocate(capacity: 1); _ = p", diagnostic: "[#StrictMemorySafety]"),
        Attack(name: "reinterpret bits", code: "_ = unsafeBitCast(1, to: Double.self)", diagnostic: "[#StrictMemorySafety]"),
    ]

    @Test(arguments: attacks)
    func doesNotCompileInADomain(_ attack: Attack) throws {
        let output = try SnippetCompiler.compile("import LeafSDK\nimport LeafInterfaces\nfunc attack() throws {\n\(attack.code)\n}\n")
        #expect(output.status != 0, "compiled: \(attack.code)")
        #expect(output.text.contains(attack.diagnostic), "\(attack.code): \(output.text)")
    }

    /// The kernel's other modules are not on a domain's search path at all.
    @Test(arguments: ["LeafProxies", "LeafHost", "LeafAbstraction", "CLeafHost"])
    func kernelModulesAreNotReachable(_ module: String) throws {
        let output = try SnippetCompiler.compile("import \(module)\n")
        #expect(output.status != 0)
        #expect(output.text.contains("no such module '\(module)'"), "\(output.text)")
    }

    /// The same snippets are fine in kernel code: what refuses them is the domain's view.
    @Test func theControlCompilesWithTheKernelsView() throws {
        let output = try SnippetCompiler.compile("@_spi(Kernel) import LeafCore\nfunc f() { _ = Kernel.objectID(at: 0) }\n", asDomain: false)
        #expect(output.status == 0, "\(output.text)")
    }
}

@Suite struct HostileDomainRuntimeTests {
    /// A proxy made before a restart reached the old incarnation's (released) export box.
    @Test func aProxyOfAnEarlierIncarnationIsRefused() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let kept = ProbeProxy(domain: p.domain, export: p.export)
            try kept.ping()
            try Kernel.tearDown(p.domain)
            try Kernel.restart(p.domain)
            try p.ping()                                   // rebound by the restart
            #expect(throws: RpcError.domainUnavailable) { try kept.ping() }
            #expect(p.incarnation == kept.incarnation + 1)
        }
    }

    /// `leave` used to pop the running thread's stack, whichever thread the frame was on.
    @Test func leavePopsTheFramesOwnThread() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "callee")
            let other = try Kernel.spawnThread(home: .kernel)
            let value = try RRef(1)
            let frame = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d))
            try CallGate.lend(value.id, in: frame)
            let first = Kernel.runningThread
            #expect(Kernel.yield() == other)
            CallGate.leave(frame)
            #expect(Kernel.depth(of: first) == 0)
            #expect(Kernel.depth(of: other) == 0)
            #expect(Kernel.object(at: Int(value.id.index)).borrows == 0)
            #expect(Kernel.yield() == first)
            try Kernel.exit(other)
        }
    }

    /// A callee that entered a call and never left it used to leave a frame and a borrow behind
    /// for ever: now its caller's `leave` pops it with its own frame.
    @Test func aFrameTheCalleeNeverLeftIsPoppedWithItsCaller() throws {
        _ = try HostPlatform.withKernel { _ in
            let a = try Kernel.createDomain(name: "a"), b = try Kernel.createDomain(name: "b")
            let value = try RRef(1)
            struct Args { let b: DomainID; let incarnation: UInt32 }
            var args = Args(b: b, incarnation: Kernel.incarnation(of: b))
            let frame = try CallGate.enter(a, incarnation: Kernel.incarnation(of: a))
            try CallGate.lend(value.id, in: frame)
            #expect(CallGate.invoke(frame, &args) { raw in
                let a = raw!.assumingMemoryBound(to: Args.self)
                _ = try? CallGate.enter(a.pointee.b, incarnation: a.pointee.incarnation)   // and no leave
                return ObjectID.none.word
            })
            #expect(Kernel.depth(of: Kernel.runningThread) == 2)
            CallGate.leave(frame)
            #expect(Kernel.depth(of: Kernel.runningThread) == 0)
            #expect(Kernel.object(at: Int(value.id.index)).borrows == 0)
            #expect(kernelViolations().isEmpty)
        }
    }

    /// Any domain could tear down, restart or end any other domain or thread.
    @Test func aDomainHasNoAuthorityOverOthers() throws {
        _ = try HostPlatform.withKernel { _ in
            let a = try Kernel.createDomain(name: "a"), b = try Kernel.createDomain(name: "b")
            let bThread = try Kernel.spawnThread(home: b)
            var refusals: [KernelError] = []
            try Kernel.run(in: a) {
                func refused(_ body: () throws(KernelError) -> Void) {
                    do throws(KernelError) { try body() } catch { refusals.append(error) }
                }
                refused { () throws(KernelError) in try Kernel.tearDown(b) }
                refused { () throws(KernelError) in _ = try Kernel.spawnThread(home: b) }
                refused { () throws(KernelError) in _ = try Kernel.spawnThread(home: .kernel) }
                refused { () throws(KernelError) in try Kernel.exit(bThread) }
            }
            #expect(refusals == [.notPermitted(actor: a, target: b), .notPermitted(actor: a, target: b),
                                 .notPermitted(actor: a, target: .kernel), .notPermitted(actor: a, target: b)])
            try Kernel.exit(bThread)                     // the kernel may
            try Kernel.tearDown(b)
            try Kernel.run(in: a) {
                do throws(KernelError) { try Kernel.restart(b) } catch { refusals.append(error) }
            }
            #expect(refusals.last == .notPermitted(actor: a, target: b))
            #expect(Kernel.state(of: b) == .stopped)
        }
    }

    /// An object's type was its size and alignment: an Int read as a Double or as a UInt64, an
    /// array used as a deque, an element of one type put into a container of another.
    @Test func aTypeIsItsIdentityNotItsLayout() throws {
        _ = try HostPlatform.withKernel { _ in
            let int = try RRef<Int>(7)
            let asDouble = RRef<Double>(_adopting: int.id)
            #expect(throws: AccessError.typeMismatch(int.id)) { try asDouble.read() }
            _ = asDouble._relinquish()
            let asUInt64 = RRef<UInt64>(_adopting: int.id)
            #expect(throws: AccessError.typeMismatch(int.id)) { try asUInt64.read() }
            _ = asUInt64._relinquish()

            let array = try RRefArray<Int, 4>()
            let asDeque = RRefDeque<Int, 4>(_adopting: array.id)
            #expect(throws: AccessError.typeMismatch(array.id)) { try asDeque.count() }
            _ = asDeque._relinquish()
            let otherElements = RRefArray<UInt, 4>(_adopting: array.id)
            #expect(throws: AccessError.typeMismatch(array.id)) { try otherElements.isOccupied(0) }
            _ = otherElements._relinquish()

            // An element whose reference claims the container's type but whose object is not.
            var deque = try RRefDeque<Int, 4>()
            let byte = try RRef<UInt8>(200)
            let disguised = RRef<Int>(_adopting: byte.id)
            let back = deque.push(disguised)
            let refused = back != nil
            #expect(refused)
            _ = back?._relinquish()
            #expect(try deque.count() == 0)
            #expect(try byte.read() == 200)
        }
    }

    /// A container could be dropped or moved while its element was lent, and the borrower could
    /// not read the element it was lent. Only roots are lent now: lending the element is
    /// refused with nothing changed; lending the container pins it, and the borrower reads the
    /// element through it.
    @Test func anElementIsNotLentOnItsOwnAndALentContainerIsPinned() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "borrower"), other = try Kernel.createDomain(name: "other")
            var deque = try RRefDeque<Int, 4>()
            _ = deque.push(try RRef(41))
            _ = deque.push(try RRef(42))
            let element = Kernel.elements(ofContainerAt: Int(deque.id.index))[0]
            let refused = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d))
            #expect(throws: RpcError.ownershipViolation) { try CallGate.lend(element, in: refused) }
            CallGate.leave(refused)
            #expect(Kernel.object(at: Int(element.index)).borrows == 0)
            #expect(try deque.count() == 2)

            let frame = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d))
            try CallGate.lend(deque.id, in: frame)
            // The owner, while the call lends the container: the container does not change.
            #expect(throws: AccessError.borrowed(deque.id)) { _ = try deque.pop() }
            #expect(throws: AccessError.borrowed(deque.id)) { try deque.checkPush() }
            let moving = try CallGate.enter(other, incarnation: Kernel.incarnation(of: other))
            #expect(throws: RpcError.ownershipViolation) { try CallGate.move(deque.id, in: moving) }
            CallGate.leave(moving)
            // The borrower reads the element, through the container it was lent.
            struct Args { let element: ObjectID; var read = -1 }
            var args = Args(element: element)
            #expect(CallGate.invoke(frame, &args) { raw in
                let a = raw!.assumingMemoryBound(to: Args.self)
                let lent = RRef<Int>(_adopting: a.pointee.element)
                a.pointee.read = (try? lent.read()) ?? -2
                _ = lent._relinquish()
                return ObjectID.none.word
            })
            CallGate.leave(frame)
            #expect(args.read == 41)
            #expect(Kernel.object(at: Int(deque.id.index)).borrows == 0)
            guard let first = try deque.pop() else { Issue.record("the deque lost its element"); return }
            #expect(try first.read() == 41)
        }
    }

    /// The owner could write an object it had lent, under the borrower.
    @Test func theOwnerCannotWriteWhatItLent() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "borrower")
            var value = try RRef(1)
            var array = try RRefArray<Int, 2>()
            _ = array.put(try RRef(5), at: 0)
            let frame = try CallGate.enter(d, incarnation: Kernel.incarnation(of: d))
            try CallGate.lend(value.id, in: frame)
            try CallGate.lend(array.id, in: frame)
            #expect(throws: AccessError.borrowed(value.id)) { try value.write(2) }
            #expect(throws: AccessError.borrowed(array.id)) { try array.write(6, at: 0) }
            CallGate.leave(frame)
            try value.write(2)
            try array.write(6, at: 0)
            #expect(try value.read() == 2 && array.read(at: 0) == 6)
        }
    }

    /// One domain could take every object row or page, and then the kernel could allocate
    /// nothing. Quotas bound it; the last rows are the kernel's.
    @Test func quotasBoundADomainAndTheKernelKeepsItsReserve() throws {
        let configuration = KernelConfiguration(objectCapacity: 32, domainCapacity: 4, kernelReserve: 8)
        _ = try HostPlatform.withKernel(configuration) { _ in
            let greedy = try Kernel.createDomain(name: "greedy", quota: DomainQuota(objects: 3, pages: 2))
            var outcome: [KernelError?] = []
            try Kernel.run(in: greedy) {
                for i in 0..<4 {
                    do throws(KernelError) { _ = try RRef(i)._relinquish(); outcome.append(nil) } catch { outcome.append(error) }
                }
            }
            #expect(outcome == [nil, nil, nil, .quotaExceeded(greedy, .objects)])
            #expect(Kernel.objectsCharged(to: greedy) == 3)

            // Pages: never more than the quota, whatever is asked for.
            var blocks = 0
            try Kernel.run(in: greedy) {
                while blocks < 100, Kernel.allocatePrivate(size: 3000, alignment: 8) != nil { blocks += 1 }
                _ = Kernel.allocatePrivate(size: 64 * 1024, alignment: 8)
            }
            #expect(blocks > 0 && Kernel.pages(of: greedy) <= 2)

            // Without a quota of its own a domain may fill the table up to the kernel's reserve...
            let other = try Kernel.createDomain(name: "other")
            var made = 0
            var last: KernelError? = nil
            try Kernel.run(in: other) {
                while true {
                    do throws(KernelError) { _ = try RRef(made)._relinquish(); made += 1 } catch { last = error; break }
                }
            }
            #expect(Kernel.liveObjects == 32 - 8)
            #expect(last == .objectTableFull)
            // ...which the kernel still has.
            for i in 0..<8 { _ = try RRef(i)._relinquish() }
            #expect(throws: KernelError.objectTableFull) { try RRef(0) }
            try Kernel.tearDown(other)
            try Kernel.tearDown(greedy)
            #expect(Kernel.liveObjects == 8)
        }
    }

    /// What a domain allocated counts against it after it moved elsewhere, and against the
    /// kernel once the domain is gone.
    @Test func objectsStayChargedToTheDomainThatAllocatedThem() throws {
        _ = try HostPlatform.withKernel { _ in
            let probes = ProbeDirectory()
            let p = try probes.spawn()
            let d = p.domain
            let a = try p.make(1)
            #expect(Kernel.objectsCharged(to: d) == 1 && Kernel.objectsOwned(by: d) == 0)
            let chargedToKernel = Kernel.objectsCharged(to: .kernel)
            try Kernel.tearDown(d)
            #expect(try a.read() == 1)
            #expect(Kernel.objectsCharged(to: d) == 0)
            #expect(Kernel.objectsCharged(to: .kernel) == chargedToKernel + 1)
        }
    }

    /// A container of no (or a negative number of) slots got as far as filling its row before
    /// LeafCore trapped in it, under the domain's continuation, and teardown then walked a
    /// payload whose header said -1 slots. Sizes a domain hands the kernel are checked instead.
    @Test func badSizesAreErrorsNotTrapsInTheKernel() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "sizes")
            var errors: [KernelError] = []
            var blocks: [UnsafeMutableRawPointer?] = []
            try Kernel.run(in: d) {
                do throws(KernelError) { _ = try RRefArray<Int, 0>() } catch { errors.append(error) }
                do throws(KernelError) { _ = try RRefDeque<Int, -1>() } catch { errors.append(error) }
                do throws(KernelError) { _ = try RRefArray<Int, 65537>() } catch { errors.append(error) }
                blocks.append(Kernel.allocatePrivate(size: Int.max, alignment: 8))
                blocks.append(Kernel.allocatePrivate(size: 64, alignment: 3))
                blocks.append(Kernel.allocatePrivate(size: -1, alignment: 8))
            }
            #expect(errors == [.badCapacity(0), .badCapacity(-1), .badCapacity(65537)])
            #expect(blocks.allSatisfy { $0 == nil })
            #expect(Kernel.state(of: d) == .live && Kernel.objectsCharged(to: d) == 0)
            #expect(kernelViolations().isEmpty)
        }
    }

    /// The control for the exit test below: a trap in the domain's own code crashes the domain.
    @Test func aTrapInDomainCodeCrashesTheDomain() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "caller")
            #expect(throws: RpcError.domainCrashed) { try Kernel.run(in: d) { commitTrap() } }
            #expect(Kernel.state(of: d) == .crashed)
        }
    }

    /// Kernel code a domain calls runs with no continuation innermost: a trap in it was taken
    /// for a crash of the calling domain, with the tables half updated; it is a kernel panic.
    @Test func aTrapInKernelCodeCalledFromADomainIsAKernelPanic() async {
        await #expect(processExitsWith: .signal(SIGILL)) {
            try HostPlatform.boot()
            let d = try Kernel.createDomain(name: "caller")
            // Were the trap taken for the domain's, this would throw domainCrashed and exit 0.
            try? Kernel.run(in: d) { Kernel.asKernel { commitTrap() } }
            exit(0)
        }
    }
}

/// The red team's write-anywhere: `update` handed the closure a pointer into the shared heap,
/// and the closure (exclusivity was not checked in domain code) dropped the object under it and
/// wrote a chosen address into the freed block's free-list link; the next allocations landed
/// there. With dynamic exclusivity checks (host builds) the drop is a trap; where they are
/// missing (Embedded Swift: the self-test's step "update under the closure"), `update` works on
/// a copy and writes it back through the checks.
@Suite struct UpdateUnderTheClosureTests {
    final class Holder {
        var reference: RRef<Int>
        init(_ reference: consuming RRef<Int>) { self.reference = reference }
    }

    @Test func droppingTheObjectInsideUpdateCorruptsNothing() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "attacker")
            var values: [Int] = []
            #expect(throws: RpcError.domainCrashed) { try Kernel.run(in: d) {
                guard let first = try? RRef(0) else { return }
                let holder = Holder(first)
                try? holder.reference.update { v in
                    if let fresh = try? RRef(1) { holder.reference = fresh }   // the object under update is dropped
                    v = 0x4141_4141_4141                                       // was: a write into the freed block
                }
                guard let a = try? RRef(2), let b = try? RRef(3) else { return }
                values = [(try? a.read()) ?? -1, (try? b.read()) ?? -1]
            } }
            #expect(values.isEmpty && Kernel.state(of: d) == .crashed)
            #expect(!HostPlatform.hasAccessesInProgress)
            #expect(kernelViolations().isEmpty)
        }
    }
}

/// The red team's second write-anywhere: with exclusivity unchecked, a domain can write into a
/// block of its own heap after freeing it, and the slab kept its free-list links in the freed
/// blocks, so the next allocations landed at an address of the domain's choosing (on bare
/// metal: kernel memory). Links are now followed only within their page.
@Suite struct ForgedFreeListTests {
    @Test func aForgedFreeListLinkIsNotFollowed() throws {
        _ = try HostPlatform.withKernel { _ in
            let d = try Kernel.createDomain(name: "attacker")
            let target = UnsafeMutableRawPointer.allocate(byteCount: 64, alignment: 64)
            defer { target.deallocate() }
            var handedOut: [UnsafeMutableRawPointer?] = []
            try Kernel.run(in: d) {
                guard let a = Kernel.allocatePrivate(size: 48, alignment: 8) else { return }
                Kernel.freePrivate(a)
                a.storeBytes(of: target, as: UnsafeMutableRawPointer.self)   // the use after free
                for _ in 0..<300 { handedOut.append(Kernel.allocatePrivate(size: 48, alignment: 8)) }
                // A pointer into a block is not taken back either.
                if let b = handedOut.last, let b { Kernel.freePrivate(b + 8) }
            }
            #expect(!handedOut.contains { $0 == target })
            #expect(handedOut.allSatisfy { $0 != nil })
            #expect(Set(handedOut.compactMap { $0 }).count == handedOut.count)   // no block twice
        }
    }
}

/// A Swift trap the optimizer cannot see coming.
@inline(never) func commitTrap() {
    let values = [1, 2, 3]
    _ = values[values.count]
}
