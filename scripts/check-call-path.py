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
# The NVMe driver's recovery (a controller reset after a timeout or a fatal status) is as rare.
CRASH_PATH = re.compile(r"unwindFault|6Kernel.*crash|tearDown|DomainRecord|RequestQueueV7recover")
# Outlined copies and destroys of an error enum's payload (DeviceError.deviceFailed carries a
# String): an error value exists only on the path that threw it, the failed request's.
ERROR_PATH = re.compile(r"ErrorOWO[a-z]$")

def disassemble(binary):
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", binary], capture_output=True, text=True, check=True).stdout
    functions, name = {}, None
    for line in out.splitlines():
        m = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if m:
            name = m.group(1)
            functions[name] = []
        elif name and line.strip():
            functions[name].append(line.strip())
    return functions

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
        for instruction in functions.get(function, []):
            m = re.search(r"\b(call|jmp)q?\s+[0-9a-f]+ <([^>+]+)(\+0x[0-9a-f]+)?>", instruction)
            if not m:
                continue
            target = m.group(2)
            if FORBIDDEN.search(target):
                problems.append(f"{root}: {function} calls {target}")
            elif target in functions and not target.endswith("@plt") and target != function \
                    and not CRASH_PATH.search(target) and not ERROR_PATH.search(target) and m.group(3) is None:
                stack.append((target, root))
    print(f"check-call-path: {len(roots)} proxy entry points, {len(seen)} functions reachable, "
          f"{len(problems)} retain/release/allocation calls")
    for p in problems:
        print("  " + p)
    sys.exit(1 if problems else 0)

main()
