#!/usr/bin/env python3
"""Checks, after `make qemu-test`, the NVMe image the kernel's self-test wrote through QEMU's
controller: every pattern block holds its pattern (SelfTest.patternBlocks/patternWord in
Sources/LeafKernel/SelfTestNVMe.swift) and the blocks between them are still zero."""
import struct
import sys

def main(path):
    data = open(path, 'rb').read()
    blocks = len(data) // 4096
    if blocks < 128:
        sys.exit(f"check-nvme-image: {path} has {blocks} blocks, expected at least 128")
    written = [i * (blocks // 64) + i % 7 for i in range(64)] + [blocks - 1]
    bad = []
    for b in written:
        words = struct.unpack_from('<512Q', data, b * 4096)
        if any(w != ((b << 32 | k) ^ 0x53574946544C4541) for k, w in enumerate(words)):
            bad.append(b)
    untouched = [b for b in range(blocks) if b not in set(written)][::37]
    dirty = [b for b in untouched if any(data[b * 4096:(b + 1) * 4096])]
    if bad or dirty:
        sys.exit(f"check-nvme-image: {path}: blocks without their pattern {bad[:8]}, blocks written that should not be {dirty[:8]}")
    print(f"check-nvme-image: {path}: all {len(written)} pattern blocks hold what the kernel wrote; {len(untouched)} other blocks sampled are still zero")

if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else 'out/nvme.img')
