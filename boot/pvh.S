// The PVH entry: QEMU's `-kernel` finds the physical entry point in the "Xen" ELF note below and
// jumps there in 32-bit protected mode, paging off, %ebx holding the physical address of the
// hvm_start_info (memory map, command line). This file switches to long mode and calls
// `leaf_kernel_main(start_info)` on the boot stack. Everything here runs identity-mapped.

#define CR0_PE  (1 << 0)
#define CR0_MP  (1 << 1)
#define CR0_EM  (1 << 2)
#define CR0_WP  (1 << 16)
#define CR0_PG  (1 << 31)
#define CR4_PAE (1 << 5)
#define CR4_OSFXSR (1 << 9)
#define CR4_OSXMMEXCPT (1 << 10)
#define EFER_MSR 0xC0000080
#define EFER_LME (1 << 8)
#define EFER_NXE (1 << 11)
#define PTE_PRESENT 1
#define PTE_WRITE 2
#define PTE_HUGE 0x80

// XEN_ELFNOTE_PHYS32_ENTRY = 18. QEMU reads the descriptor as a 64-bit value placed right after
// the 4-byte-aligned name, so the note segment must be 4-byte aligned and the descriptor a quad.
    .section .note.pvh, "a", @note
    .balign 4
    .long 4                 // name size
    .long 8                 // descriptor size
    .long 18                // type: XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad pvh_entry

    .section .boot.text, "ax"
    .code32
    .globl pvh_entry
pvh_entry:
    cld
    movl %ebx, %edi                 // keep start_info; survives into long mode as the argument
    // Zero .bss (page tables, stacks, bitmaps): the loader leaves what it likes there.
    movl $__bss_start, %eax
    movl $__bss_end, %ecx
    subl %eax, %ecx
    movl %edi, %esi
    movl %eax, %edi
    xorl %eax, %eax
    rep stosb
    movl %esi, %edi
    movl $boot_stack_top, %esp

    // Identity-map the low 4 GiB with 2 MiB pages: PML4[0] -> PDPT, PDPT[0..3] -> 4 PDs.
    movl $boot_pdpt, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    movl %eax, boot_pml4
    xorl %ecx, %ecx
1:  movl %ecx, %eax
    shll $12, %eax
    addl $boot_pd, %eax
    orl $(PTE_PRESENT | PTE_WRITE), %eax
    movl %eax, boot_pdpt(, %ecx, 8)
    incl %ecx
    cmpl $4, %ecx
    jb 1b
    xorl %ecx, %ecx                 // 2048 entries of 2 MiB; the high dword of each is the
2:  movl %ecx, %eax                 // address bits 32+ of the page: entry index >> 11
    shll $21, %eax
    orl $(PTE_PRESENT | PTE_WRITE | PTE_HUGE), %eax
    movl %eax, boot_pd(, %ecx, 8)
    movl %ecx, %eax
    shrl $11, %eax
    movl %eax, boot_pd + 4(, %ecx, 8)
    incl %ecx
    cmpl $2048, %ecx
    jb 2b

    movl %cr4, %eax
    orl $(CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT), %eax
    movl %eax, %cr4
    movl $boot_pml4, %eax
    movl %eax, %cr3
    movl $EFER_MSR, %ecx
    rdmsr
    orl $(EFER_LME | EFER_NXE), %eax
    wrmsr
    movl %cr0, %eax
    andl $~CR0_EM, %eax             // SSE on: Swift code uses it
    orl $(CR0_PE | CR0_MP | CR0_WP | CR0_PG), %eax
    movl %eax, %cr0
    lgdt boot_gdt_pointer
    ljmp $0x08, $long_mode_entry

    .code64
long_mode_entry:
    movw $0x10, %ax
    movw %ax, %ds
    movw %ax, %es
    movw %ax, %ss
    xorw %ax, %ax
    movw %ax, %fs
    movw %ax, %gs
    movq $boot_stack_top, %rsp
    xorl %ebp, %ebp                 // ends the frame-pointer chain for backtraces
    andl $0xffffffff, %edi          // start_info physical address
    call leaf_kernel_main
3:  cli
    hlt
    jmp 3b

// A boot GDT: null, 64-bit code (0x08), data (0x10). The kernel installs its own GDT with a TSS.
    .section .rodata
    .balign 16
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff
    .quad 0x00cf92000000ffff
boot_gdt_end:
boot_gdt_pointer:
    .word boot_gdt_end - boot_gdt - 1
    .quad boot_gdt

    .section .bss
    .balign 4096
    .globl boot_pml4, boot_pdpt, boot_pd
boot_pml4:  .skip 4096
boot_pdpt:  .skip 4096
boot_pd:    .skip 4 * 4096
    .globl boot_stack_bottom, boot_stack_top
boot_stack_bottom:
    .skip 64 * 1024
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
