// Counts heap allocations and Swift retains/releases in this process, so a benchmark can show
// that a code path makes none. Linked into the benchmark executable only.
#ifndef ALLOC_COUNTER_H
#define ALLOC_COUNTER_H
#include <stdint.h>

typedef struct alloc_counts {
    uint64_t allocations;   // malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign
    uint64_t retains;       // swift_retain, swift_retain_n (through the runtime's hooks)
    uint64_t releases;      // swift_release, swift_release_n
} alloc_counts;

/// Installs the retain/release hooks (allocation counting is always on).
void alloc_counter_install(void);
alloc_counts alloc_counter_read(void);
#endif
