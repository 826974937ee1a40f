#!/usr/bin/env bash
# System packages SwiftLeaf needs beyond the Swift toolchain: Z3 (verify) and QEMU (the kernel).
# Installs only what is missing.
set -euo pipefail
missing=()
dpkg -s libz3-dev >/dev/null 2>&1 || missing+=(libz3-dev)
command -v qemu-system-x86_64 >/dev/null 2>&1 || missing+=(qemu-system-x86)
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
