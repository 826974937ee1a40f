// The local APIC (xAPIC MMIO at 0xFEE00000, identity-mapped) and its timer, calibrated against
// PIT channel 2, which needs no interrupt.
#include "leaf_kernel.h"

#define LAPIC_BASE 0xfee00000ull
#define LAPIC_ID 0x020
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INITIAL 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DIVIDE 0x3e0
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)

static inline uint32_t lapic_read(uint32_t reg) { return leaf_mmio_read32(LAPIC_BASE + reg); }
static inline void lapic_write(uint32_t reg, uint32_t v) { leaf_mmio_write32(LAPIC_BASE + reg, v); }

void leaf_lapic_init(void) {
    // IA32_APIC_BASE: make sure the APIC is globally enabled at the default base.
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(0x1b));
    lo |= 1u << 11;
    __asm__ volatile("wrmsr" :: "a"(lo), "d"(hi), "c"(0x1b));
    lapic_write(LAPIC_SVR, 0x100 | LEAF_VECTOR_SPURIOUS);
    lapic_write(LAPIC_TIMER_DIVIDE, 0x3);  // divide by 16
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LEAF_VECTOR_TIMER);
}

uint32_t leaf_lapic_id(void) { return lapic_read(LAPIC_ID) >> 24; }

void leaf_lapic_eoi(void) { lapic_write(LAPIC_EOI, 0); }

void leaf_lapic_calibrate(uint32_t ms, uint64_t *apic_ticks_per_ms, uint64_t *tsc_per_ms) {
    uint32_t pit_count = 1193182u * ms / 1000u;
    // Gate of channel 2 low, speaker off; mode 0 (interrupt on terminal count), lobyte/hibyte.
    uint8_t port61 = leaf_inb(0x61) & ~0x03;
    leaf_outb(0x61, port61);
    leaf_outb(0x43, 0xb0);
    leaf_outb(0x42, (uint8_t)pit_count);
    leaf_outb(0x42, (uint8_t)(pit_count >> 8));
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LEAF_VECTOR_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, 0xffffffffu);
    uint64_t tsc0 = leaf_rdtsc();
    leaf_outb(0x61, port61 | 0x01);  // gate high: channel 2 counts down
    uint32_t apic0 = lapic_read(LAPIC_TIMER_CURRENT);
    uint64_t spins = 0;
    while (!(leaf_inb(0x61) & 0x20) && spins < 100000000ull) spins++;
    uint32_t apic1 = lapic_read(LAPIC_TIMER_CURRENT);
    uint64_t tsc1 = leaf_rdtsc();
    lapic_write(LAPIC_TIMER_INITIAL, 0);
    leaf_outb(0x61, port61);
    *apic_ticks_per_ms = (uint64_t)(apic0 - apic1) / ms;
    *tsc_per_ms = (tsc1 - tsc0) / ms;
}

void leaf_lapic_timer_start(uint32_t initial_count) {
    lapic_write(LAPIC_LVT_TIMER, LVT_PERIODIC | LEAF_VECTOR_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, initial_count);
}

void leaf_lapic_timer_stop(void) {
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | LEAF_VECTOR_TIMER);
    lapic_write(LAPIC_TIMER_INITIAL, 0);
}

void leaf_lapic_eoi_if_in_service(uint32_t vector) {
    // ISR: eight 32-bit registers at 0x100, 0x110, ...; bit (vector % 32) of register vector / 32.
    if (lapic_read(0x100 + 0x10 * (vector / 32)) & (1u << (vector % 32))) lapic_write(LAPIC_EOI, 0);
}
