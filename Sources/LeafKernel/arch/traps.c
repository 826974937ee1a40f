// Trap dispatch. A CPU exception while a domain runs inside a cross-domain call becomes that
// domain's crash: the frame is rewritten so that `iretq` lands in leaf_gate_resume with the
// innermost continuation and code 1 (CallGate.faulted), exactly as the host's signal handler
// does. An exception anywhere else is a kernel bug: registers and a backtrace go to the serial
// console and QEMU exits with a failing status. The timer goes to the Swift scheduler, or
// crashes a domain that overran its thread's call budget.
#include "leaf_kernel.h"
#include <leaf_gate.h>

volatile uint64_t leaf_domain_faults[32];
volatile uint64_t leaf_spurious_interrupts;

static const char *const exception_names[32] = {
    "#DE divide error", "#DB debug", "NMI", "#BP breakpoint", "#OF overflow", "#BR bound range",
    "#UD invalid opcode", "#NM device not available", "#DF double fault", "coprocessor overrun",
    "#TS invalid TSS", "#NP segment not present", "#SS stack fault", "#GP general protection",
    "#PF page fault", "reserved 15", "#MF x87 floating point", "#AC alignment check",
    "#MC machine check", "#XM SIMD floating point", "#VE virtualization", "#CP control protection",
    "reserved 22", "reserved 23", "reserved 24", "reserved 25", "reserved 26", "reserved 27",
    "#HV hypervisor injection", "#VC VMM communication", "#SX security", "reserved 31",
};

static bool plausible_frame(uint64_t rbp) {
    // Stacks are the boot stack (in the image) or frames from the allocator (above the image),
    // all identity-mapped below 4 GiB.
    return rbp >= (uint64_t)(uintptr_t)__kernel_start && rbp < 0x100000000ull && (rbp & 7) == 0;
}

void leaf_print_backtrace(uint64_t rbp) {
    leaf_serial_write("backtrace (return addresses; llvm-symbolizer --obj=out/kernel.elf ADDR):\n");
    for (int depth = 0; depth < 24 && rbp != 0 && plausible_frame(rbp); depth++) {
        uint64_t *frame = (uint64_t *)(uintptr_t)rbp;
        uint64_t ret = frame[1];
        if (ret == 0) break;
        leaf_serial_write("  #"); leaf_serial_dec((uint64_t)depth + 1); leaf_serial_write(" ");
        leaf_serial_hex(ret); leaf_serial_write("\n");
        if (frame[0] <= rbp) break;  // stacks grow down: the chain must go up
        rbp = frame[0];
    }
}

static void reg(const char *name, uint64_t v) {
    leaf_serial_write(name); leaf_serial_write("="); leaf_serial_hex(v); leaf_serial_write(" ");
}

__attribute__((noreturn)) static void kernel_exception(leaf_trap_frame *f) {
    leaf_serial_write("\n*** KERNEL EXCEPTION: ");
    leaf_serial_write(exception_names[f->vector & 31]);
    leaf_serial_write(" (vector "); leaf_serial_dec(f->vector); leaf_serial_write(") in the kernel itself\n");
    reg("rip", f->rip); reg("cs", f->cs); reg("rflags", f->rflags); reg("error", f->error_code); leaf_serial_write("\n");
    reg("rsp", f->rsp); reg("rbp", f->rbp); reg("cr2", leaf_read_cr2()); reg("cr3", leaf_read_cr3()); leaf_serial_write("\n");
    reg("rax", f->rax); reg("rbx", f->rbx); reg("rcx", f->rcx); reg("rdx", f->rdx); leaf_serial_write("\n");
    reg("rsi", f->rsi); reg("rdi", f->rdi); reg("r8", f->r8); reg("r9", f->r9); leaf_serial_write("\n");
    reg("r10", f->r10); reg("r11", f->r11); reg("r12", f->r12); reg("r13", f->r13); leaf_serial_write("\n");
    reg("r14", f->r14); reg("r15", f->r15); leaf_serial_write("\n");
    leaf_serial_write("  #0 "); leaf_serial_hex(f->rip); leaf_serial_write(" (faulting instruction)\n");
    leaf_print_backtrace(f->rbp);
    leaf_serial_write("selftest: aborted by a kernel exception\n");
    leaf_qemu_exit(LEAF_EXIT_FAILURE);
}

// Makes `iretq` land in leaf_gate_resume(k, CallGate.faulted): the domain running under the
// innermost continuation `k` is crashed, and the call into it returns domainCrashed.
static void resume_as_crash(leaf_trap_frame *f, leaf_continuation *k) {
    f->rip = (uint64_t)(uintptr_t)&leaf_gate_resume;
    f->rdi = (uint64_t)(uintptr_t)k;
    f->rsi = 1;  // CallGate.faulted
    // leaf_gate_resume switches to the continuation's stack at once; until then (an
    // interrupt may come) it needs a mapped one: the dead part of that same stack.
    f->rsp = ((k->rsp - 256) & ~(uint64_t)15) - 8;
    f->rflags &= ~(uint64_t)0x400;  // DF clear, as the ABI expects at a call
}

void leaf_trap_dispatch(leaf_trap_frame *f) {
    uint64_t v = f->vector;
    if (v < 32) {
        // NMI, #DF and #MC are never a domain's doing; everything else may be.
        bool domain_kind = v != 2 && v != 8 && v != 18;
        uint64_t address = v == 14 ? leaf_read_cr2() : 0;
        leaf_continuation *k = leaf_innermost_continuation;
        if (domain_kind && k != NULL && leaf_kernel_domain_faulted(v, f->rip, address)) {
            leaf_domain_faults[v]++;
            // A timer interrupt whose delivery faulted (a stack overflowing into its guard page
            // as the CPU pushed the interrupt frame) is still in service at the APIC: end it.
            leaf_lapic_eoi_if_in_service(LEAF_VECTOR_TIMER);
            resume_as_crash(f, k);
            return;
        }
        kernel_exception(f);
    }
    if (v == LEAF_VECTOR_TIMER) {
        leaf_lapic_eoi();
        // A domain's code is running (not the kernel's: none is innermost there) past its
        // thread's call budget: crash it, as a trap would.
        leaf_continuation *k = leaf_innermost_continuation;
        if (k != NULL && leaf_kernel_budget_overrun()) {
            resume_as_crash(f, k);
            return;
        }
        // Program code proper (not the runtime, LeafCore or a proxy it called) may be preempted
        // at any instruction: only its own thread runs in a process's domain, and what it
        // changes in the kernel's tables it changes out of line, outside this range.
        uint64_t rip = f->rip;
        bool in_program = k != NULL && rip >= (uint64_t)(uintptr_t)__program_text_start
            && rip < (uint64_t)(uintptr_t)__program_text_end;
        leaf_kernel_timer_tick(in_program);
        return;
    }
    // Spurious APIC vector or a (masked, remapped) PIC line: nothing to acknowledge at the APIC.
    leaf_spurious_interrupts++;
}
