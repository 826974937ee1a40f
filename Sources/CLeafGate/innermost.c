// The host's innermost continuation, one per thread (see leaf_gate.h). Bare metal defines its
// single one in gate.S.
#include <leaf_gate.h>
#include <stddef.h>

#if defined(__linux__)
__thread leaf_continuation *leaf_innermost_continuation __attribute__((tls_model("initial-exec"))) = 0;
#endif

#if defined(__linux__)
// Swift's dynamic exclusivity checks (host builds of domain code) keep a per-thread list of the
// accesses in progress, each record in the stack frame of the code that began it. A trap or an
// unwind abandons frames without ending their accesses, so their records must leave the list, or
// the next access anywhere on the thread walks into dead stack. The runtime exports no setter
// for the list's head, only the pair concurrency uses around task switches; with them:
//   - entering with an empty state reads the head (state[0]) and changes nothing;
//   - entering with a state that holds a list (head, tail) makes it the thread's list, linking
//     the old head after the tail;
// and swift_endAccess of the head record pops it. A record is {pointer, pc, next | action}.
extern void swift_task_enterThreadLocalContext(char *state) __attribute__((swiftcall));
extern void swift_endAccess(void *buffer);

typedef struct access_record { void *pointer; void *pc; uintptr_t next_and_action; } access_record;

static void *access_head(void) {
    uintptr_t state[2] = {0, 0};
    swift_task_enterThreadLocalContext((char *)state);
    return (void *)state[0];
}

static int abandoned(const access_record *r, uintptr_t low, uintptr_t high) {
    return (uintptr_t)r >= low && (uintptr_t)r < high;
}

static access_record *next_of(const access_record *r) {
    return (access_record *)(r->next_and_action & ~(uintptr_t)1);
}

void leaf_gate_drop_accesses(uintptr_t low, uintptr_t high) {
    access_record *head = access_head();
    // The abandoned frames lie in [low, high); the records they began are intact until the
    // stack is reused, which has not happened yet where this is called. Records of the
    // abandoned code may also live elsewhere (a key path's, in the heap) and sit above them in
    // the list: unlink every record in the range, wherever it is, not only a prefix.
    access_record *live = head;
    while (live != NULL && abandoned(live, low, high)) live = next_of(live);
    for (access_record *kept = live; kept != NULL;) {
        access_record *next = next_of(kept);
        while (next != NULL && abandoned(next, low, high)) next = next_of(next);
        kept->next_and_action = (uintptr_t)next | (kept->next_and_action & 1);
        kept = next;
    }
    if (live == head) return;
    // Make a record of our own the head, point it at the first live record, and end it.
    static __thread int placeholder_target;
    access_record placeholder = { &placeholder_target, NULL, 0 };
    uintptr_t state[2] = { (uintptr_t)&placeholder, (uintptr_t)&placeholder };
    swift_task_enterThreadLocalContext((char *)state);
    placeholder.next_and_action = (uintptr_t)live;  // action 0: a read
    swift_endAccess(&placeholder);
}

void *leaf_gate_access_head(void) { return access_head(); }
#else
// Embedded Swift (6.3) emits no dynamic exclusivity checks: there is no list to trim.
void leaf_gate_drop_accesses(uintptr_t low, uintptr_t high) { (void)low; (void)high; }
void *leaf_gate_access_head(void) { return 0; }
#endif

void leaf_gate_unwind_to(const leaf_continuation *k, int code) {
    leaf_gate_drop_accesses((uintptr_t)__builtin_frame_address(0), k->rsp);
    leaf_gate_resume(k, code);
}
