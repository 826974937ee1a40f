// malloc and friends are interposed (glibc exports the real ones as __libc_*); retains and
// releases go through the Swift runtime's instrumentation hooks.
#include "alloc_counter.h"
#include <errno.h>
#include <stddef.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);

static alloc_counts counts;

void *malloc(size_t size) { counts.allocations++; return __libc_malloc(size); }
void *calloc(size_t n, size_t size) { counts.allocations++; return __libc_calloc(n, size); }
void *realloc(void *p, size_t size) { counts.allocations++; return __libc_realloc(p, size); }
void *memalign(size_t alignment, size_t size) { counts.allocations++; return __libc_memalign(alignment, size); }
void *aligned_alloc(size_t alignment, size_t size) { counts.allocations++; return __libc_memalign(alignment, size); }
int posix_memalign(void **out, size_t alignment, size_t size) {
    counts.allocations++;
    void *p = __libc_memalign(alignment, size);
    if (p == NULL) return ENOMEM;
    *out = p;
    return 0;
}

extern void *(*_swift_retain)(void *);
extern void *(*_swift_retain_n)(void *, uint32_t);
extern void (*_swift_release)(void *);
extern void (*_swift_release_n)(void *, uint32_t);

static void *(*real_retain)(void *);
static void *(*real_retain_n)(void *, uint32_t);
static void (*real_release)(void *);
static void (*real_release_n)(void *, uint32_t);

static void *count_retain(void *o) { counts.retains++; return real_retain(o); }
static void *count_retain_n(void *o, uint32_t n) { counts.retains += n; return real_retain_n(o, n); }
static void count_release(void *o) { counts.releases++; real_release(o); }
static void count_release_n(void *o, uint32_t n) { counts.releases += n; real_release_n(o, n); }

void alloc_counter_install(void) {
    if (real_retain != NULL) return;
    real_retain = _swift_retain; _swift_retain = count_retain;
    real_retain_n = _swift_retain_n; _swift_retain_n = count_retain_n;
    real_release = _swift_release; _swift_release = count_release;
    real_release_n = _swift_release_n; _swift_release_n = count_release_n;
}

alloc_counts alloc_counter_read(void) { return counts; }
