// The bare-metal platform's C and assembly side: port and MMIO access, descriptor tables,
// interrupt entry, context switch, the local APIC, deliberate CPU faults for the self-test, and
// the panic path. The policy (what a trap means, scheduling, allocation) is Swift's.
#ifndef LEAF_KERNEL_H
#define LEAF_KERNEL_H
#include <stdint.h>
#include <stddef.h>
#include <stdbool.h>

// ---- isa-debug-exit: QEMU exits with (value << 1) | 1.
#define LEAF_EXIT_PORT 0xf4
#define LEAF_EXIT_SUCCESS 0x10   /* QEMU exit status 33 */
#define LEAF_EXIT_FAILURE 0x11   /* QEMU exit status 35 */

// ---- Vectors.
#define LEAF_VECTOR_TIMER 32
#define LEAF_VECTOR_SPURIOUS 0xff

static inline void leaf_outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint8_t leaf_inb(uint16_t port) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port)); return v; }
static inline void leaf_outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(port)); }
static inline uint32_t leaf_inl(uint16_t port) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port)); return v; }

static inline uint64_t leaf_rdtsc(void) {
    uint32_t lo, hi;
    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi) :: "memory");
    return ((uint64_t)hi << 32) | lo;
}
static inline void leaf_cli(void) { __asm__ volatile("cli" ::: "memory"); }
static inline void leaf_sti(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void leaf_hlt(void) { __asm__ volatile("hlt" ::: "memory"); }
static inline void leaf_pause(void) { __asm__ volatile("pause" ::: "memory"); }
static inline uint64_t leaf_rflags(void) { uint64_t f; __asm__ volatile("pushfq; popq %0" : "=r"(f) :: "memory"); return f; }
static inline bool leaf_interrupts_enabled(void) { return (leaf_rflags() & 0x200) != 0; }
/// Disables interrupts and returns whether they were enabled, for `leaf_irq_restore`.
static inline bool leaf_irq_save(void) { bool e = leaf_interrupts_enabled(); leaf_cli(); return e; }
static inline void leaf_irq_restore(bool enabled) { if (enabled) leaf_sti(); }
static inline uint64_t leaf_read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t leaf_read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t leaf_read_rbp(void) { uint64_t v; __asm__ volatile("mov %%rbp, %0" : "=r"(v)); return v; }

static inline uint32_t leaf_mmio_read32(uint64_t address) { return *(volatile uint32_t *)(uintptr_t)address; }
static inline void leaf_mmio_write32(uint64_t address, uint32_t v) { *(volatile uint32_t *)(uintptr_t)address = v; }

/// Ends QEMU (isa-debug-exit) and never returns.
__attribute__((noreturn)) void leaf_qemu_exit(uint8_t value);

// ---- Serial console (COM1).
void leaf_serial_init(void);
void leaf_serial_write(const char *s);
void leaf_serial_put(uint8_t c);
/// The next byte COM1 received, or -1 when none is waiting (polled: no interrupt).
int leaf_serial_get(void);
void leaf_serial_hex(uint64_t v);
void leaf_serial_dec(uint64_t v);

// ---- The saved state of an interrupted context, as the entry stubs push it.
typedef struct leaf_trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;
} leaf_trap_frame;

/// Loads the kernel GDT (code, data, TSS with an interrupt stack for #DF/NMI/#MC) and an IDT
/// whose 256 vectors enter `leaf_trap_dispatch`.
void leaf_descriptors_init(void);
/// Replaces the first 2 MiB mapping with 4 KiB pages and leaves page 0 unmapped (null guard).
void leaf_paging_guard_null_page(void);
/// Maps or unmaps the identity-mapped 4 KiB page holding `address` (below 4 GiB), splitting its
/// 2 MiB page first. False when no page table is left for the split.
bool leaf_paging_set_present(uint64_t address, bool present);
/// The PIC is remapped to vectors 0x30-0x3f and masked: only the local APIC interrupts.
void leaf_pic_disable(void);

// ---- Trap policy, implemented in Swift (@_cdecl).
/// Whether an exception now is a fault of a domain (a domain is running inside a call).
bool leaf_kernel_domain_faulted(uint64_t vector, uint64_t rip, uint64_t address);
/// The local APIC timer fired (after EOI); may switch threads.
// The timer's tick; `in_program` says whether it interrupted Rv6 program code (see kernel.ld).
void leaf_kernel_timer_tick(bool in_program);
bool leaf_kernel_budget_overrun(void);

/// Counters the C side keeps.
extern volatile uint64_t leaf_domain_faults[32];
extern volatile uint64_t leaf_spurious_interrupts;

// ---- Local APIC.
void leaf_lapic_init(void);
/// Measures the APIC timer and TSC rates against PIT channel 2 over `ms` milliseconds.
void leaf_lapic_calibrate(uint32_t ms, uint64_t *apic_ticks_per_ms, uint64_t *tsc_per_ms);
void leaf_lapic_timer_start(uint32_t initial_count);
void leaf_lapic_timer_stop(void);
void leaf_lapic_eoi(void);
/// Acknowledges `vector` if the APIC has it in service (an interrupt whose delivery faulted).
void leaf_lapic_eoi_if_in_service(uint32_t vector);
uint32_t leaf_lapic_id(void);

// ---- Threads: switch stacks, saving callee-saved registers on the old one.
void leaf_switch_context(uint64_t *save_rsp, uint64_t next_rsp);
/// Where a new thread's stack first returns to: calls `leaf_kernel_thread_start`.
void leaf_thread_trampoline(void);
/// The rsp a fresh stack [bottom, top) starts with, for `leaf_switch_context`.
uint64_t leaf_thread_initial_rsp(uint64_t top);

// ---- Deliberate CPU faults (the self-test runs them inside a domain).
void leaf_fault_divide_error(void);     // #DE: div by zero
void leaf_fault_non_canonical(void);    // #GP: load from a non-canonical address
void leaf_fault_unmapped(void);         // #PF: load from an unmapped canonical address
void leaf_fault_null(void);             // #PF: load from page 0 (the null guard)
void leaf_fault_invalid_opcode(void);   // #UD: ud2 directly
void leaf_fault_stack_overflow(void);   // #PF: recursion into the stack's guard page

/// Backtrace of the current stack (frame-pointer walk), printed on serial.
void leaf_print_backtrace(uint64_t rbp);

// ---- Linker symbols.
extern char __kernel_start[], __kernel_end[];
extern char __program_text_start[], __program_text_end[];
extern char boot_stack_bottom[], boot_stack_top[];



// ---- Memory before the kernel heaps exist.
extern uint8_t leaf_early_arena[];
extern const size_t leaf_early_arena_size;
static inline void *leaf_early_arena_address(void) { return leaf_early_arena; }
static inline uint64_t leaf_boot_stack_bottom(void) { return (uint64_t)(uintptr_t)boot_stack_bottom; }
static inline uint64_t leaf_image_start(void) { return (uint64_t)(uintptr_t)__kernel_start; }
static inline uint64_t leaf_image_end(void) { return (uint64_t)(uintptr_t)__kernel_end; }
static inline void leaf_zero(void *p, size_t n) { __asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(0) : "memory"); }
static inline void leaf_fill(void *p, uint8_t v, size_t n) { __asm__ volatile("rep stosb" : "+D"(p), "+c"(n) : "a"(v) : "memory"); }

// ---- The Embedded runtime's allocator entry points (arch/libc.c) forward to Swift (Runtime.swift).
void *leaf_kernel_allocate(size_t size, size_t alignment);
void leaf_kernel_free(void *block);

#endif
