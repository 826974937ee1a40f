// A trap inside a domain (a Swift runtime failure is `ud2`, hence SIGILL; a bad pointer is
// SIGSEGV) must end the domain, not the process. The handler does not unwind by itself: it
// rewrites the interrupted context so that, when the handler returns, the thread continues in
// leaf_gate_resume with the innermost continuation. Returning through sigreturn restores the
// signal mask, so the cheap continuation (no saved mask) is enough.
#define _GNU_SOURCE
#include "leaf_host.h"
#include <leaf_gate.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

static uint64_t traps_caught;
static int last_trap_signal;
// SIGABRT: the runtime's own fatal errors (an exclusivity conflict in domain code) end in
// abort(), which releases its lock before it raises, so that a handler may leave by a jump.
static const int trapped_signals[] = { SIGILL, SIGTRAP, SIGFPE, SIGSEGV, SIGBUS, SIGABRT };

// Makes the interrupted thread continue in leaf_gate_resume(k, CallGate.faulted) when the
// handler returns: the domain that k's call entered is taken to have trapped.
static void resume_as_fault(leaf_continuation *k, void *raw_context) {
    ucontext_t *context = raw_context;
    greg_t *regs = context->uc_mcontext.gregs;
    // The frames between the trap and k's call are abandoned (this handler runs on the
    // alternate stack, so they are still intact): their exclusivity records go.
    leaf_gate_drop_accesses((uintptr_t)regs[REG_RSP] - 128, k->rsp);
    regs[REG_RIP] = (greg_t)(uintptr_t)&leaf_gate_resume;
    regs[REG_RDI] = (greg_t)(uintptr_t)k;
    regs[REG_RSI] = 1;  // CallGate.faulted
    // leaf_gate_resume loads its own stack pointer first; any mapped, aligned stack will do.
    regs[REG_RSP] = (greg_t)((k->rsp - 256) & ~(uint64_t)15) - 8;
}

static void on_trap(int sig, siginfo_t *info, void *raw_context) {
    (void)info;
    leaf_continuation *k = leaf_innermost_continuation;
    if (k == NULL) {
        // A fault in the kernel itself, or in the test harness: let it kill the process as usual.
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    traps_caught++;
    last_trap_signal = sig;
    resume_as_fault(k, raw_context);
}

// Call budgets: a per-thread timer that, once the budget is spent, fires every millisecond
// until it is disarmed; each time a domain's code is running (a continuation is innermost),
// that domain is crashed as if it had trapped. Kernel code (none innermost) is left to finish.
static __thread timer_t budget_timer;
static __thread int budget_timer_made;
static __thread volatile sig_atomic_t budget_armed;
static uint64_t budgets_overrun;

static void on_budget(int sig, siginfo_t *info, void *raw_context) {
    (void)sig; (void)info;
    leaf_continuation *k = leaf_innermost_continuation;
    if (!budget_armed || k == NULL) return;
    budgets_overrun++;
    resume_as_fault(k, raw_context);
}

int leaf_host_arm_budget(uint64_t microseconds) {
    if (!budget_timer_made) {
        struct sigevent event;
        memset(&event, 0, sizeof event);
        event.sigev_notify = SIGEV_THREAD_ID;
        event.sigev_signo = SIGALRM;
        event._sigev_un._tid = gettid();
        if (timer_create(CLOCK_MONOTONIC, &event, &budget_timer) != 0) return -1;
        budget_timer_made = 1;
    }
    // Worker threads may start with SIGALRM blocked.
    sigset_t alarm;
    sigemptyset(&alarm);
    sigaddset(&alarm, SIGALRM);
    pthread_sigmask(SIG_UNBLOCK, &alarm, NULL);
    if (microseconds == 0) microseconds = 1;
    struct itimerspec spec = {
        .it_value = { .tv_sec = (time_t)(microseconds / 1000000), .tv_nsec = (long)(microseconds % 1000000) * 1000 },
        .it_interval = { .tv_sec = 0, .tv_nsec = 1000000 },
    };
    budget_armed = 1;
    return timer_settime(budget_timer, 0, &spec, NULL);
}

void leaf_host_disarm_budget(void) {
    budget_armed = 0;
    if (!budget_timer_made) return;
    struct itimerspec off;
    memset(&off, 0, sizeof off);
    timer_settime(budget_timer, 0, &off, NULL);
}

uint64_t leaf_host_budgets_overrun(void) { return budgets_overrun; }

// Each thread that runs domain code needs an alternate signal stack of its own: a stack
// overflow leaves no room on the thread's stack to run the handler on.
enum { alternate_stack_size = 64 * 1024 };
static __thread void *thread_alternate_stack;
static pthread_key_t alternate_stack_key;
static pthread_once_t alternate_stack_once = PTHREAD_ONCE_INIT;

static void release_alternate_stack(void *stack) {
    stack_t off = { .ss_sp = NULL, .ss_size = 0, .ss_flags = SS_DISABLE };
    sigaltstack(&off, NULL);
    free(stack);
}

static void make_alternate_stack_key(void) { pthread_key_create(&alternate_stack_key, release_alternate_stack); }

int leaf_host_prepare_thread(void) {
    if (thread_alternate_stack != NULL) return 0;
    pthread_once(&alternate_stack_once, make_alternate_stack_key);
    void *stack = malloc(alternate_stack_size);
    if (stack == NULL) return -1;
    stack_t ss = { .ss_sp = stack, .ss_size = alternate_stack_size, .ss_flags = 0 };
    if (sigaltstack(&ss, NULL) != 0) { free(stack); return -1; }
    thread_alternate_stack = stack;
    pthread_setspecific(alternate_stack_key, stack);
    return 0;
}

int leaf_host_install_trap_handlers(void) {
    if (leaf_host_prepare_thread() != 0) return -1;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_trap;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    for (unsigned i = 0; i < sizeof trapped_signals / sizeof trapped_signals[0]; i++) {
        if (sigaction(trapped_signals[i], &action, NULL) != 0) return -1;
    }
    action.sa_sigaction = on_budget;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    if (sigaction(SIGALRM, &action, NULL) != 0) return -1;
    return 0;
}

uint64_t leaf_host_traps_caught(void) { return traps_caught; }
int leaf_host_last_trap_signal(void) { return last_trap_signal; }
