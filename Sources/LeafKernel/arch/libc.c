// The few C library symbols the Embedded Swift runtime and clang's code generation expect.
// Written with string instructions so the compiler cannot turn them back into calls to themselves.
#include "leaf_kernel.h"

void *memset(void *dst, int c, size_t n) {
    void *d = dst;
    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
    return dst;
}

void *memcpy(void *dst, const void *src, size_t n) {
    void *d = dst;
    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) :: "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d == s || n == 0) return dst;
    if (d < s || d >= s + n) return memcpy(dst, src, n);
    // Overlapping with the destination above the source: copy backwards.
    d += n - 1;
    s += n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) :: "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++) {
        if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
    }
    return 0;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) n++;
    return n;
}

// Hashing seeds (Dictionary, Set). Not cryptographic: the TSC mixed through splitmix64.
void arc4random_buf(void *buffer, size_t n) {
    static uint64_t state;
    if (state == 0) state = leaf_rdtsc() | 1;
    unsigned char *out = buffer;
    for (size_t i = 0; i < n; i++) {
        state += 0x9e3779b97f4a7c15ull;
        uint64_t z = state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        out[i] = (unsigned char)(z ^ (z >> 31));
    }
}

// Memory for the Swift runtime before the kernel's heaps exist (the frame allocator object,
// LeafCore's boot-time records). See Runtime.swift.
uint8_t leaf_early_arena[256 * 1024] __attribute__((aligned(4096)));
const size_t leaf_early_arena_size = sizeof leaf_early_arena;

// posix_memalign and free belong to the kernel's allocator policy (Runtime.swift: the current
// domain's private heap); Swift may not define symbols the runtime reserves, so they forward.
int posix_memalign(void **out, size_t alignment, size_t size) {
    if (alignment < 16) alignment = 16;
    if ((alignment & (alignment - 1)) != 0 || alignment > 4096) return 22;  // EINVAL
    void *block = leaf_kernel_allocate(size, alignment);
    if (block == NULL) return 12;  // ENOMEM
    *out = block;
    return 0;
}

void free(void *block) {
    if (block != NULL) leaf_kernel_free(block);
}
