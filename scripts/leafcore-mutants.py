#!/usr/bin/env python3
"""`make mutants`: plants each bug of the catalogue below in LeafCore, one at a time, rebuilds,
and runs the refinement tests (Tests/SpecsTests), which must fail on every one. The work is
done in a copy of the working tree under .build-mutants/ (its own build directory, so that each
mutant rebuilds incrementally); the tree itself is never touched.

Usage: scripts/leafcore-mutants.py [--sequences N] [--only NAME,...] [--list]
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCRATCH = ROOT / ".build-mutants" / "tree"
TEST_BINARY = ".build/debug/SwiftLeafPackageTests.xctest"

# (name, file under Sources/LeafCore, text to find (exactly once), its replacement, what it breaks)
CATALOGUE = [
    ("live-ignores-generation", "SharedHeap.swift",
     "        guard e.pointee.generation == id.generation, e.pointee.state != .free else { throw .stale(id) }",
     "        guard e.pointee.state != .free else { throw .stale(id) }",
     "a reference to an earlier generation of a row reaches the object now in it"),
    ("alloc-forgets-count", "SharedHeap.swift",
     "        k.pointee.domains[Int(current.raw)].objectsOwned += 1\n", "",
     "a new object is not counted against its domain"),
    ("drop-ignores-pin", "SharedHeap.swift",
     "        let e = try owned(id)\n        guard !e.pointee.isPinned else { throw .borrowed(id) }\n        reclaim(id.index)",
     "        _ = try owned(id)\n        reclaim(id.index)",
     "drop frees an object a callee is borrowing"),
    ("reclaim-skips-elements", "SharedHeap.swift",
     "if element != .none { reclaim(element.index) }", "if element != .none && false { reclaim(element.index) }",
     "freeing a container leaves its elements allocated"),
    ("reclaim-forgets-owner-count", "SharedHeap.swift",
     "        if e.pointee.state == .owned { k.pointee.domains[Int(e.pointee.owner.raw)].objectsOwned -= 1 }\n", "",
     "freeing an owned object leaves it counted"),
    ("transfer-ignores-pin", "SharedHeap.swift",
     "        guard !e.pointee.isPinned else { throw .borrowed(id) }\n        let domains = kernelState.pointee.domains",
     "        let domains = kernelState.pointee.domains",
     "a move hands away an object a callee is borrowing"),
    ("transfer-keeps-owner", "SharedHeap.swift",
     "        e.pointee.owner = to\n", "",
     "a move adjusts the counts but leaves the owner"),
    ("transfer-forgets-receiver-count", "SharedHeap.swift",
     "        domains[Int(to.raw)].objectsOwned += 1\n", "",
     "a moved object is not counted against its receiver"),
    ("put-ignores-pin", "SharedHeap.swift",
     "        guard !e.pointee.isPinned else { throw .borrowed(element) }\n", "",
     "put nests an object a callee is borrowing"),
    ("put-forgets-count", "SharedHeap.swift",
     "        kernelState.pointee.domains[Int(e.pointee.owner.raw)].objectsOwned -= 1\n        e.pointee.state = .held",
     "        e.pointee.state = .held",
     "a held element stays counted as owned"),
    # Not "take keeps the element's parent": LeafCore reads `parent` only of held objects (and
    # put and reclaim overwrite it), so that mutant is equivalent.
    ("take-leaves-element-held", "SharedHeap.swift",
     "        e.pointee.state = .owned\n        e.pointee.parent = UInt32.max",
     "        e.pointee.parent = UInt32.max",
     "a taken element is still marked held"),
    ("take-forgets-count", "SharedHeap.swift",
     "        kernelState.pointee.domains[Int(e.pointee.owner.raw)].objectsOwned += 1\n        return element",
     "        return element",
     "a taken element is not counted"),
    ("modify-ignores-pin", "SharedHeap.swift",
     "        let e = try owned(id)\n        guard !e.pointee.isPinned else { throw .borrowed(id) }\n        return e",
     "        let e = try owned(id)\n        return e",
     "a container a callee is borrowing can be put into and taken from"),
    ("lend-forgets-borrow", "CallGate.swift",
     "        e.pointee.borrows += 1\n", "",
     "a lent object is not counted as borrowed"),
    ("lend-without-read-check", "CallGate.swift",
     "do { e = try SharedHeap.readable(id) } catch { throw .ownershipViolation }",
     "do { e = try SharedHeap.live(id) } catch { throw .ownershipViolation }",
     "a call lends an object its caller may not read"),
    ("release-forgets-borrow", "CallGate.swift",
     "            e.pointee.borrows -= 1\n", "",
     "popping a frame does not release what it lent"),
    ("enter-skips-live-check", "CallGate.swift",
     "              k.pointee.domains[Int(callee.raw)].state == .live,\n", "",
     "a call enters a domain that is not live"),
    ("enter-allows-home", "CallGate.swift",
     "        guard callee != k.pointee.threads[Int(thread)].home else { throw .callIntoHomeDomain }\n", "",
     "a thread calls into its own home domain"),
    ("crash-spares-other-threads", "CallGate.swift",
     "for t in 0..<k.pointee.configuration.threadCapacity where UInt16(t) != k.pointee.currentThread {",
     "for t in 0..<k.pointee.configuration.threadCapacity where UInt16(t) != k.pointee.currentThread && false {",
     "a crash neither unwinds other threads running in the domain nor ends those living in it"),
    ("return-into-dead-caller", "CallGate.swift",
     "while keep > 0 && k.pointee.domains[", "while false && keep > 0 && k.pointee.domains[",
     "a return resumes a caller that crashed meanwhile"),
    ("teardown-skips-authority", "Domains.swift",
     "        try checkLiveUserDomain(domain)\n        try checkAuthority(over: domain)\n        if hasFrames(domain) { throw .domainInUse(domain) }\n        tearDown(domain, becoming: .stopped)",
     "        try checkLiveUserDomain(domain)\n        if hasFrames(domain) { throw .domainInUse(domain) }\n        tearDown(domain, becoming: .stopped)",
     "any domain may tear down any other"),
    ("teardown-keeps-pages", "Domains.swift",
     "        Kernel.withPages { k.pointee.domains[Int(domain.raw)].heap.releaseAll(to: $0) }\n", "",
     "teardown leaves the domain's private pages allocated"),
    ("restart-ignores-frames", "Domains.swift",
     "        try checkAuthority(over: domain)\n        if hasFrames(domain) { throw .domainInUse(domain) }\n    }",
     "        try checkAuthority(over: domain)\n    }",
     "restart while a call into the dead incarnation is still open"),
    ("restart-ignores-entry-failure", "Domains.swift",
     "                guard error == .domainCrashed else {\n",
     "                guard error == .domainCrashed || true else {\n",
     "a restart whose entry found no free frame leaves the domain live (issue 13's B1)"),
    ("teardown-ignores-home-threads", "Domains.swift",
     "            if state != .unused && state != .exited && k.pointee.threads[t].home == domain { return true }\n", "",
     "teardown proceeds while threads live in the domain"),
    ("wake-skips-authority", "Scheduler.swift",
     "        try checkAuthority(overThread: thread)\n        kernelState.pointee.threads[Int(thread.raw)].state = .ready",
     "        kernelState.pointee.threads[Int(thread.raw)].state = .ready",
     "any domain may wake any thread"),
    ("exit-leaves-thread-queued", "Scheduler.swift",
     "        if k.pointee.threads[Int(t)].state == .ready { removeFromRunQueue(t) }\n", "",
     "an ended thread stays in the run queue"),
]


def run(cmd, cwd, env=None, timeout=None):
    return subprocess.run(cmd, cwd=cwd, env=env, timeout=timeout, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, errors="replace")


def copy_tree():
    """Copies the working tree's tracked files (as they are now) into the scratch tree; files
    whose content has not changed are left alone, so that the scratch build stays incremental."""
    names = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True, stdout=subprocess.PIPE).stdout
    for name in filter(None, names.decode().split("\0")):
        source, target = ROOT / name, SCRATCH / name
        if not source.is_file():
            continue
        if target.is_file() and target.read_bytes() == source.read_bytes():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)


def build():
    r = run(["swift", "build", "--build-tests"], SCRATCH)
    return r.returncode == 0, r.stdout


def refinement(sequences):
    """Runs the written-out sequences first (a few milliseconds), then the random ones."""
    env = dict(os.environ, SPECS_NO_SHRINKING="1")
    if sequences is not None:
        env["SPECS_SEQUENCES"] = str(sequences)
    for tests in ("rarePathsRefineTheSpecification", "RefinementTests"):
        try:
            r = run([TEST_BINARY, "--testing-library", "swift-testing", "--filter", tests], SCRATCH, env, timeout=1800)
        except subprocess.TimeoutExpired:
            return "timeout", ""
        if r.returncode < 0:
            return f"died (signal {-r.returncode})", r.stdout
        if r.returncode != 0:
            return "failed", r.stdout
    return "passed", r.stdout


def first_divergence(output):
    for line in output.splitlines():
        if "refinement divergence:" in line:
            return line.split("refinement divergence:", 1)[1].strip()[:160]
    return ""


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sequences", type=int, help="sequences per refinement test (default: the tests' own, 9,000 + 3,000)")
    parser.add_argument("--only", help="plant only these mutants (names, comma-separated)")
    parser.add_argument("--list", action="store_true", help="list the catalogue and exit")
    args = parser.parse_args()
    if args.list:
        for name, file, _, _, what in CATALOGUE:
            print(f"{name} [{file}]: {what}")
        return 0
    wanted = None if args.only is None else set(args.only.split(","))
    unknown = (wanted or set()) - {m[0] for m in CATALOGUE}
    if unknown:
        print(f"leafcore-mutants: no mutant named {', '.join(sorted(unknown))} (see --list)", file=sys.stderr)
        return 2
    chosen = [m for m in CATALOGUE if wanted is None or m[0] in wanted]
    copy_tree()
    # Every mutant must apply to the sources as they are: a stale catalogue is an error.
    for name, file, old, _, _ in chosen:
        text = (SCRATCH / "Sources/LeafCore" / file).read_text()
        if text.count(old) != 1:
            print(f"leafcore-mutants: {name}: its text occurs {text.count(old)} times in Sources/LeafCore/{file}, not once", file=sys.stderr)
            return 2
    start = time.time()
    ok, log = build()
    if not ok:
        print("leafcore-mutants: the unmutated tree does not build:\n" + log[-3000:], file=sys.stderr)
        return 2
    verdict, log = refinement(args.sequences)
    if verdict != "passed":
        print(f"leafcore-mutants: the refinement tests do not pass on the unmutated tree ({verdict}):\n" + log[-3000:], file=sys.stderr)
        return 2
    counts = "the tests' own counts of" if args.sequences is None else f"{args.sequences} +"
    print(f"leafcore-mutants: the unmutated tree passes the refinement tests ({counts} sequences)", flush=True)
    caught = 0
    for name, file, old, new, what in chosen:
        path = SCRATCH / "Sources/LeafCore" / file
        original = path.read_text()
        path.write_text(original.replace(old, new))
        try:
            t0 = time.time()
            ok, log = build()
            if not ok:
                print(f"BROKEN: {name}: the mutant does not compile:\n" + log[-1500:], flush=True)
                continue
            verdict, log = refinement(args.sequences)
            seconds = time.time() - t0
            if verdict == "passed":
                print(f"SURVIVED: {name} [{file}]: {what}", flush=True)
            else:
                caught += 1
                detail = first_divergence(log)
                print(f"caught: {name} [{file}] ({verdict}, {seconds:.0f} s): {what}" + (f"; first: {detail}" if detail else ""), flush=True)
        finally:
            path.write_text(original)
    print(f"leafcore mutants: {caught}/{len(chosen)} caught, in {time.time() - start:.0f} s", flush=True)
    return 0 if caught == len(chosen) else 1


if __name__ == "__main__":
    sys.exit(main())
