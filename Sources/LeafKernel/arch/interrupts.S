// Interrupt and exception entry: one stub per vector pushes (error code or 0, vector) and joins
// the common path, which saves every general register (the leaf_trap_frame) and the SSE state
// (Swift code uses xmm registers, so the handler must not clobber the interrupted ones), then
// calls leaf_trap_dispatch(frame). The dispatcher may rewrite the frame (a domain fault resumes
// the innermost continuation) or switch stacks (preemption) before this path returns.
    .text

// Every stub is 16-byte aligned and shorter than 16 bytes, so stub v is at leaf_trap_stub_base + 16 v.
// Vectors with a CPU-pushed error code: #DF 8, #TS 10, #NP 11, #SS 12, #GP 13, #PF 14, #AC 17,
// #CP 21, #VC 29, #SX 30; the others push a 0 in its place.
    .balign 16
leaf_trap_stub_base:
.set v, 0
.rept 256
    .balign 16
    .if (v == 8) || (v == 10) || (v == 11) || (v == 12) || (v == 13) || (v == 14) || (v == 17) || (v == 21) || (v == 29) || (v == 30)
    .else
    pushq $0
    .endif
    pushq $v
    jmp trap_common
    .set v, v + 1
.endr

trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    cld
    movq %rsp, %rdi             // the frame
    movq %rsp, %r12             // callee-saved across the dispatcher
    subq $512, %rsp
    andq $-16, %rsp
    fxsave (%rsp)
    call leaf_trap_dispatch
    fxrstor (%rsp)
    movq %r12, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp              // vector, error code
    iretq

// The stubs' addresses, indexed by vector, for the IDT.
    .section .rodata
    .balign 8
    .globl leaf_trap_stubs
leaf_trap_stubs:
.set v, 0
.rept 256
    .quad leaf_trap_stub_base + 16 * v
    .set v, v + 1
.endr

    .text
// void leaf_switch_context(uint64_t *save_rsp /*rdi*/, uint64_t next_rsp /*rsi*/)
// Called with interrupts disabled. The old thread continues here when switched back to.
    .globl leaf_switch_context
    .type leaf_switch_context, @function
leaf_switch_context:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size leaf_switch_context, .-leaf_switch_context

// A new thread's first return lands here, with its stack 16-byte aligned.
    .globl leaf_thread_trampoline
    .type leaf_thread_trampoline, @function
leaf_thread_trampoline:
    xorl %ebp, %ebp             // ends the frame chain for backtraces
    call leaf_kernel_thread_start
    ud2                         // leaf_kernel_thread_start never returns
    .size leaf_thread_trampoline, .-leaf_thread_trampoline

// uint64_t leaf_thread_initial_rsp(uint64_t top): lays out what leaf_switch_context pops.
    .globl leaf_thread_initial_rsp
    .type leaf_thread_initial_rsp, @function
leaf_thread_initial_rsp:
    andq $-16, %rdi
    subq $16, %rdi              // after `ret`, rsp = top - 16: 16-byte aligned
    leaq leaf_thread_trampoline(%rip), %rax
    movq %rax, -8(%rdi)
    subq $8, %rdi
    movl $6, %ecx               // six zeroed callee-saved registers
1:  subq $8, %rdi
    movq $0, (%rdi)
    decl %ecx
    jnz 1b
    movq %rdi, %rax
    ret
    .size leaf_thread_initial_rsp, .-leaf_thread_initial_rsp

// Deliberate faults: real instructions, not compiler-visible undefined behaviour.
    .globl leaf_fault_divide_error
leaf_fault_divide_error:
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
    ret
    .globl leaf_fault_non_canonical
leaf_fault_non_canonical:
    movabsq $0x8000000000001000, %rax
    movq (%rax), %rax
    ret
    .globl leaf_fault_unmapped
leaf_fault_unmapped:
    movabsq $0x0000100000000000, %rax   // PML4 slot 32: nothing is mapped there
    movq (%rax), %rax
    ret
    .globl leaf_fault_null
leaf_fault_null:
    xorl %eax, %eax
    movq 8(%rax), %rax
    ret
    .globl leaf_fault_stack_overflow
leaf_fault_stack_overflow:
    subq $4096, %rsp            // a page per level, each touched: the guard page is reached
    movq $0, (%rsp)
    call leaf_fault_stack_overflow
    addq $4096, %rsp
    ret
    .globl leaf_fault_invalid_opcode
leaf_fault_invalid_opcode:
    ud2
    ret

    .section .note.GNU-stack, "", @progbits
