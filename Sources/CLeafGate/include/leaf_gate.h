// The continuation of a cross-domain call: the registers a caller needs back when the callee
// faults. Shared by the host (signal handlers) and the bare-metal kernel (exception handlers).
#ifndef LEAF_GATE_H
#define LEAF_GATE_H
#include <stdint.h>

typedef struct leaf_continuation {
    uint64_t rbx, rbp, r12, r13, r14, r15, rsp, rip;
} leaf_continuation;

/// A call's body: returns one word to the gate (the ID of the object it hands back, if any).
typedef uint64_t (*leaf_gate_body)(void *context);

/// How a `leaf_gate_run` ended, in two registers (rax, rdx): `code` 0 and the body's word when
/// it returned; `returned` 0 and the code given to `leaf_gate_resume(k, code)` when the callee
/// faulted and a trap handler resumed the continuation instead.
typedef struct leaf_gate_outcome {
    uint64_t returned;
    uint64_t code;
} leaf_gate_outcome;

/// Saves the callee-saved registers in `k`, makes `k` the innermost continuation, runs
/// `body(context)`, and leaves none innermost when it returns.
leaf_gate_outcome leaf_gate_run(leaf_continuation *k, leaf_gate_body body, void *context);

/// Injected faults (Kernel.injectFault), run as the body of a call: `ud2`, the instruction a
/// failed Swift check executes, and a division by zero, a CPU exception. Neither returns.
uint64_t leaf_gate_injected_trap(void *context);
uint64_t leaf_gate_injected_exception(void *context);

/// Abandons the current stack and ends the `leaf_gate_run` that saved `k` with `code` (non-zero).
__attribute__((noreturn)) void leaf_gate_resume(const leaf_continuation *k, int code);

/// Drops from the thread's list of exclusivity accesses in progress (host builds of domain
/// code) the records that lie in [low, high): those of frames a trap or an unwind abandoned.
void leaf_gate_drop_accesses(uintptr_t low, uintptr_t high);

/// The head of the thread's list of exclusivity accesses in progress (NULL when none, and on
/// bare metal always), for tests.
void *leaf_gate_access_head(void);

/// leaf_gate_resume(k, code) from Swift code that unwinds to an outer call: first drops the
/// access records of the frames between here and k's.
__attribute__((noreturn)) void leaf_gate_unwind_to(const leaf_continuation *k, int code);

/// The innermost continuation of the running thread, or NULL outside any cross-domain call.
/// Trap handlers read it; the call gate writes it. On the host every thread has its own (a trap
/// on one host thread must never resume another's call); on bare metal there is one CPU, and
/// the scheduler saves and restores it with each kernel thread.
#if defined(__linux__)
extern __thread leaf_continuation *leaf_innermost_continuation __attribute__((tls_model("initial-exec")));
#else
extern leaf_continuation *leaf_innermost_continuation;
#endif

/// Keeps the compiler from reusing a load of memory a device may have written since (or
/// delaying a store a device is to see): element accesses of device buffers use it.
static inline void leaf_compiler_barrier(void) { __asm__ volatile("" ::: "memory"); }

static inline leaf_continuation *leaf_get_innermost(void) { return leaf_innermost_continuation; }
static inline void leaf_set_innermost(leaf_continuation *k) { leaf_innermost_continuation = k; }

#endif
