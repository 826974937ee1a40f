#!/usr/bin/env bash
# System packages SwiftLeaf needs beyond the Swift toolchain: Z3 (verify), QEMU (the kernel),
# Python 3 (the checks of an image and of machine code), and cvc5 (a second solver replays a
# sample of verify's SMT-LIB queries).
# Installs only what is missing.
set -euo pipefail
missing=()
dpkg -s libz3-dev >/dev/null 2>&1 || missing+=(libz3-dev)
command -v cvc5 >/dev/null 2>&1 || missing+=(cvc5)
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
# The NVMe image check after the QEMU self-test (scripts/check-nvme-image.py).
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
