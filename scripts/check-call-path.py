#!/usr/bin/env python3
"""Checks, on the machine code of a release build, that cross-domain calls through the proxies
do no reference counting and no heap allocation.

It disassembles every method of the given proxy classes (and the capture-free bodies they run
in the callee), follows direct calls into the project's own code, and fails if any reachable
instruction calls a retain, release or allocation entry point. Paths that only a crash takes
(unwinding a faulted domain) are not followed: they are allowed to allocate."""
import re
import subprocess
import sys

FORBIDDEN = re.compile(r"swift_(retain|release|allocObject|bridgeObject|unknownObject|once)|\bmalloc\b|posix_memalign|swift_slowAlloc")
# Symbols of the crash path: reached only after a trap, where allocation is fine.
# The NVMe driver's recovery (a controller reset after a timeout or a fatal status) and ixgbe's
# (a hung transmit queue stopped and set up again) are as rare.
CRASH_PATH = re.compile(r"unwindFault|6Kernel.*crash|tearDown|DomainRecord|RequestQueueV7recover|PortV12stopTransmit|PortV20drainStoppedTransmit")
# Outlined copies and destroys of an error enum's payload (DeviceError.deviceFailed carries a
# String): an error value exists only on the path that threw it, the failed request's.
ERROR_PATH = re.compile(r"ErrorOWO[a-z]$")

def disassemble(binary):
    """Functions by name, each its instructions. Code the compiler outlined without a symbol
    (reached by `call sym+0x...`) is a function of its own, named as its callers name it, not
    part of the symbol before it."""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], capture_output=True, text=True, check=True).stdout
    lines = out.splitlines()
    local = {}
    for line in lines:
        m = re.search(r"\bcallq?\s+([0-9a-f]+) <([^>+]+\+0x[0-9a-f]+)>", line)
        if m:
            local[m.group(1)] = m.group(2)
    functions, name = {}, None
    for line in lines:
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            name = m.group(1)
            functions[name] = []
            continue
        address = re.match(r"^\s*([0-9a-f]+):", line)
        if address and address.group(1) in local:
            name = local[address.group(1)]
            functions.setdefault(name, [])
        if name and line.strip():
            functions[name].append(line.strip())
    return functions

def reachable(instructions):
    """The instructions reached from the function's entry by falling through and by its own
    branches: code the compiler placed after it (unreferenced outlined code) is not its."""
    index = {}
    for i, instruction in enumerate(instructions):
        m = re.match(r"^([0-9a-f]+):", instruction)
        if m:
            index[m.group(1)] = i
    seen, work = set(), [0]
    while work:
        i = work.pop()
        while i < len(instructions) and i not in seen:
            seen.add(i)
            text = instructions[i]
            branch = re.search(r"\b(j[a-z]+)q?\s+([0-9a-f]+) <", text)
            if branch and branch.group(2) in index:
                work.append(index[branch.group(2)])
            if re.search(r"\s(ret|ud2|hlt)q?\b", text) or (branch and branch.group(1) == "jmp") \
                    or re.search(r"\sjmpq?\s+\*", text):
                break
            i += 1
    return [instructions[i] for i in sorted(seen)]

def followable(target, functions):
    """Whether the walk goes into `target`: the project's own code, off the crash and error paths."""
    return target in functions and not target.endswith("@plt") \
        and not CRASH_PATH.search(target) and not ERROR_PATH.search(target)

def main():
    if len(sys.argv) < 3:
        sys.exit("usage: check-call-path.py BINARY PROXY_CLASS_MANGLED_PREFIX...")
    binary, prefixes = sys.argv[1], sys.argv[2:]
    functions = disassemble(binary)
    roots = [f for f in functions if any(f.startswith(p) for p in prefixes)
             and (f.endswith("YKF") or f.endswith("_To"))]
    if not roots:
        sys.exit(f"check-call-path: no proxy methods found in {binary} for {prefixes}")
    problems, seen, stack = [], set(), [(r, r) for r in roots]
    while stack:
        function, root = stack.pop()
        if function in seen:
            continue
        seen.add(function)
        for instruction in reachable(functions.get(function, [])):
            m = re.search(r"\b(call|jmp)q?\s+[0-9a-f]+ <([^>+]+)(\+0x[0-9a-f]+)?>", instruction)
            if not m:
                # A function whose address is taken (`lea f(%rip)`) is followed as if called: LLVM
                # merges look-alike functions into one (`...Tm`) that calls what it is handed.
                taken = re.search(r"\blea\s+.*# [0-9a-f]+ <([^>+]+)>$", instruction)
                if taken and followable(taken.group(1), functions):
                    stack.append((taken.group(1), root))
                continue
            target = m.group(2)
            if FORBIDDEN.search(target):
                problems.append(f"{root}: {function} calls {target}")
                continue
            # A call into outlined code (`sym+0x...`) is followed; a jump with an offset is a
            # branch within the function (or a tail call into outlined code, followed too).
            if m.group(3) is not None:
                target += m.group(3)
            if target != function and followable(target, functions):
                stack.append((target, root))
    print(f"check-call-path: {len(roots)} proxy entry points, {len(seen)} functions reachable, "
          f"{len(problems)} retain/release/allocation calls")
    for p in problems:
        print("  " + p)
    sys.exit(1 if problems else 0)

main()
