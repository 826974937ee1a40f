// The kernel's GDT (with a TSS whose interrupt stack catches #DF, NMI and #MC even when the
// current stack is gone), the IDT (all 256 vectors, interrupt gates), the legacy PIC (masked),
// and the null-page guard in the page tables the boot code built.
#include "leaf_kernel.h"

struct __attribute__((packed)) tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
};

struct __attribute__((packed)) idt_entry {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attributes;
    uint16_t offset_middle;
    uint32_t offset_high;
    uint32_t reserved;
};

struct __attribute__((packed)) table_pointer {
    uint16_t limit;
    uint64_t base;
};

#define KERNEL_CODE 0x08
#define KERNEL_DATA 0x10
#define TSS_SELECTOR 0x18

static uint64_t gdt[5] __attribute__((aligned(16)));
static struct tss tss __attribute__((aligned(16)));
static struct idt_entry idt[256] __attribute__((aligned(16)));
static uint8_t emergency_stack[16384] __attribute__((aligned(16)));
// #PF runs on its own stack too: a stack overflow into a guard page must still be deliverable.
static uint8_t page_fault_stack[16384] __attribute__((aligned(16)));
extern const uint64_t leaf_trap_stubs[256];

void leaf_descriptors_init(void) {
    gdt[0] = 0;
    gdt[1] = 0x00af9a000000ffffull;  // 64-bit code, ring 0
    gdt[2] = 0x00cf92000000ffffull;  // data
    uint64_t base = (uint64_t)(uintptr_t)&tss;
    uint64_t limit = sizeof tss - 1;
    gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ull << 40) |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[4] = base >> 32;
    tss.ist[0] = (uint64_t)(uintptr_t)(emergency_stack + sizeof emergency_stack);
    tss.ist[1] = (uint64_t)(uintptr_t)(page_fault_stack + sizeof page_fault_stack);
    tss.iomap_base = sizeof tss;

    struct table_pointer gdtr = { sizeof gdt - 1, (uint64_t)(uintptr_t)gdt };
    __asm__ volatile(
        "lgdt %0\n\t"
        "pushq %1\n\t"
        "leaq 1f(%%rip), %%rax\n\t"
        "pushq %%rax\n\t"
        "lretq\n"
        "1:\n\t"
        "movw %w2, %%ax\n\t"
        "movw %%ax, %%ds\n\t"
        "movw %%ax, %%es\n\t"
        "movw %%ax, %%ss\n\t"
        "ltr %w3\n\t"
        :: "m"(gdtr), "i"(KERNEL_CODE), "r"(KERNEL_DATA), "r"(TSS_SELECTOR) : "rax", "memory");

    for (int v = 0; v < 256; v++) {
        uint64_t offset = leaf_trap_stubs[v];
        idt[v].offset_low = (uint16_t)offset;
        idt[v].selector = KERNEL_CODE;
        // #DF, NMI and #MC run on the emergency stack: the interrupted stack may be unusable.
        idt[v].ist = (v == 8 || v == 2 || v == 18) ? 1 : (v == 14 ? 2 : 0);
        idt[v].type_attributes = 0x8e;  // present, ring 0, 64-bit interrupt gate (IF cleared)
        idt[v].offset_middle = (uint16_t)(offset >> 16);
        idt[v].offset_high = (uint32_t)(offset >> 32);
        idt[v].reserved = 0;
    }
    struct table_pointer idtr = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" :: "m"(idtr) : "memory");
}

void leaf_pic_disable(void) {
    // ICW1..ICW4: remap master to 0x30, slave to 0x38 (away from the exception vectors), then
    // mask every line. A spurious IRQ 7/15 still arrives on 0x37/0x3f and is counted.
    leaf_outb(0x20, 0x11); leaf_outb(0xa0, 0x11);
    leaf_outb(0x21, 0x30); leaf_outb(0xa1, 0x38);
    leaf_outb(0x21, 0x04); leaf_outb(0xa1, 0x02);
    leaf_outb(0x21, 0x01); leaf_outb(0xa1, 0x01);
    leaf_outb(0x21, 0xff); leaf_outb(0xa1, 0xff);
}

extern uint64_t boot_pd[];  // 4 page directories, 2048 entries of 2 MiB: the low 4 GiB

// Page tables for 2 MiB regions split into 4 KiB pages (null guard, stack guards).
#define PAGE_TABLE_POOL 32
static uint64_t page_table_pool[PAGE_TABLE_POOL][512] __attribute__((aligned(4096)));
static int page_tables_used;

bool leaf_paging_set_present(uint64_t address, bool present) {
    if (address >= 0x100000000ull) return false;
    uint64_t *pde = &boot_pd[address >> 21];
    if (*pde & 0x80) {
        // Split the 2 MiB page into 512 identity-mapped 4 KiB pages with the same rights.
        if (page_tables_used == PAGE_TABLE_POOL) return false;
        uint64_t *pt = page_table_pool[page_tables_used++];
        uint64_t base = *pde & ~0x1fffffull & 0x000ffffffffff000ull;
        for (uint64_t i = 0; i < 512; i++) pt[i] = (base + (i << 12)) | 0x3;
        *pde = (uint64_t)(uintptr_t)pt | 0x3;
        __asm__ volatile("mov %%cr3, %%rax; mov %%rax, %%cr3" ::: "rax", "memory");
    }
    uint64_t *pt = (uint64_t *)(uintptr_t)(*pde & 0x000ffffffffff000ull);
    uint64_t *pte = &pt[(address >> 12) & 511];
    *pte = present ? ((address & ~0xfffull) | 0x3) : 0;
    __asm__ volatile("invlpg (%0)" :: "r"(address) : "memory");
    return true;
}

void leaf_paging_guard_null_page(void) {
    leaf_paging_set_present(0, false);
}
