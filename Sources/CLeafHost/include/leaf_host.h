// Host platform services for LeafCore: trap capture and cycle counting.
#ifndef LEAF_HOST_H
#define LEAF_HOST_H
#include <stdint.h>

/// Installs handlers for SIGILL, SIGTRAP, SIGFPE, SIGSEGV and SIGBUS (on an alternate stack, so
/// a stack overflow is caught too). A trap while a cross-domain call is in progress resumes that
/// call's continuation; a trap outside any call restores the default action and re-raises.
/// Returns 0, or -1 with errno set.
int leaf_host_install_trap_handlers(void);

/// Gives the calling thread its own alternate signal stack (once; it is freed when the thread
/// ends), so that a stack overflow in a domain running on it is caught. The thread that
/// installs the handlers gets one; every other thread that runs domain code must call this.
/// Returns 0, or -1 with errno set.
int leaf_host_prepare_thread(void);

/// Arms the calling thread's call budget: after `microseconds`, and every millisecond after that
/// until `leaf_host_disarm_budget`, a domain whose code is running on this thread is crashed as
/// if it had trapped. For tests that must bound a runaway domain: the signal may land anywhere
/// in the domain's code, including inside the allocator, which it then abandons.
/// Returns 0, or -1 with errno set.
int leaf_host_arm_budget(uint64_t microseconds);
void leaf_host_disarm_budget(void);
/// Domains crashed for overrunning a budget.
uint64_t leaf_host_budgets_overrun(void);

/// Traps caught and turned into domain crashes since the handlers were installed.
uint64_t leaf_host_traps_caught(void);

/// The last signal number turned into a domain crash.
int leaf_host_last_trap_signal(void);

static inline uint64_t leaf_host_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}

#endif
