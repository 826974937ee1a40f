// Counts heap allocations in this process (malloc and friends are interposed), so a benchmark
// can show that a code path makes none. Linked into the benchmark executable only.
#ifndef ALLOC_COUNTER_H
#define ALLOC_COUNTER_H
#include <stdint.h>

/// malloc, calloc, realloc, posix_memalign, aligned_alloc and memalign calls so far.
uint64_t alloc_counter_allocations(void);
#endif
