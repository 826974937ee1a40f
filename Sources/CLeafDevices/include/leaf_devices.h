// The machine accesses of the device layer: volatile MMIO of each width, x86 port I/O and the
// fences drivers need. Only LeafDevices calls these, after bounds-checking the access against a
// capability; on the host they are never reached (every window there is a model's).
#ifndef LEAF_DEVICES_H
#define LEAF_DEVICES_H
#include <stdint.h>

static inline uint8_t leaf_device_read8(uint64_t a) { return *(volatile uint8_t *)(uintptr_t)a; }
static inline uint16_t leaf_device_read16(uint64_t a) { return *(volatile uint16_t *)(uintptr_t)a; }
static inline uint32_t leaf_device_read32(uint64_t a) { return *(volatile uint32_t *)(uintptr_t)a; }
static inline uint64_t leaf_device_read64(uint64_t a) { return *(volatile uint64_t *)(uintptr_t)a; }
static inline void leaf_device_write8(uint64_t a, uint8_t v) { *(volatile uint8_t *)(uintptr_t)a = v; }
static inline void leaf_device_write16(uint64_t a, uint16_t v) { *(volatile uint16_t *)(uintptr_t)a = v; }
static inline void leaf_device_write32(uint64_t a, uint32_t v) { *(volatile uint32_t *)(uintptr_t)a = v; }
static inline void leaf_device_write64(uint64_t a, uint64_t v) { *(volatile uint64_t *)(uintptr_t)a = v; }

static inline uint8_t leaf_device_in8(uint16_t p) { uint8_t v; __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint16_t leaf_device_in16(uint16_t p) { uint16_t v; __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline uint32_t leaf_device_in32(uint16_t p) { uint32_t v; __asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(p)); return v; }
static inline void leaf_device_out8(uint16_t p, uint8_t v) { __asm__ volatile("outb %0, %1" :: "a"(v), "Nd"(p)); }
static inline void leaf_device_out16(uint16_t p, uint16_t v) { __asm__ volatile("outw %0, %1" :: "a"(v), "Nd"(p)); }
static inline void leaf_device_out32(uint16_t p, uint32_t v) { __asm__ volatile("outl %0, %1" :: "a"(v), "Nd"(p)); }

// x86: stores to write-back memory are not reordered with a later store to uncached MMIO as
// seen by a device only if an sfence separates them from write-combining stores; loads of DMA
// memory after an MMIO read need lfence. Each also stops the compiler moving accesses across.
static inline void leaf_device_write_fence(void) { __asm__ volatile("sfence" ::: "memory"); }
static inline void leaf_device_read_fence(void) { __asm__ volatile("lfence" ::: "memory"); }
// Loads of coherent (write-back) DMA memory are not reordered with older loads (x86's TSO,
// SDM vol. 3 §9.2.2), so a completion's status read before its data needs only the compiler
// held back (Linux's dma_rmb() on x86 is the same compiler barrier).
static inline void leaf_device_dma_read_barrier(void) { __asm__ volatile("" ::: "memory"); }
static inline void leaf_device_full_fence(void) { __asm__ volatile("mfence" ::: "memory"); }
#endif
