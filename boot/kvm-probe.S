// A tiny image linked with boot/pvh.S in place of the kernel: it runs the instructions the
// kernel depends on that a restricted KVM may not (x87 and SSE; Swift code uses xmm registers)
// and reports through isa-debug-exit. boot/qemu.sh boots it under KVM first and uses TCG when
// it does not come back with success: some hosts' KVM stops the VM with "KVM internal error,
// emulation failure" on the first SSE instruction.
    .text
    .globl leaf_kernel_main
leaf_kernel_main:
    fninit
    xorps %xmm0, %xmm0
    movups %xmm0, -32(%rsp)
    movl $0x10, %eax            // LEAF_EXIT_SUCCESS
    movw $0xf4, %dx
    outl %eax, %dx
1:  cli
    hlt
    jmp 1b

    .section .note.GNU-stack, "", @progbits
