// leaf_gate_run / leaf_gate_resume: a setjmp/longjmp pair reduced to what a call gate needs.
// No signal mask is saved (the host trap handler returns through sigreturn, which restores it),
// so entering a protected call costs a handful of stores instead of a system call.
// Stores a register into leaf_innermost_continuation: thread-local on the host (initial-exec),
// one variable on bare metal. Uses %r11 (caller-saved, free at both places).
#if defined(__linux__)
#define INNERMOST_STORE(reg) movq leaf_innermost_continuation@GOTTPOFF(%rip), %r11; movq reg, %fs:(%r11)
#else
#define INNERMOST_STORE(reg) movq reg, leaf_innermost_continuation(%rip)
#endif

    .text
    .globl leaf_gate_run
    .type leaf_gate_run, @function
// leaf_gate_outcome leaf_gate_run(leaf_continuation *k /*rdi*/, uint64_t (*body)(void *) /*rsi*/, void *ctx /*rdx*/)
// returns {rax: the body's word, rdx: 0}; a resume returns {rax: 0, rdx: code}.
leaf_gate_run:
    movq %rbx, 0(%rdi)
    movq %rbp, 8(%rdi)
    movq %r12, 16(%rdi)
    movq %r13, 24(%rdi)
    movq %r14, 32(%rdi)
    movq %r15, 40(%rdi)
    leaq 8(%rsp), %rax          // the caller's stack pointer after our return
    movq %rax, 48(%rdi)
    movq (%rsp), %rax           // our return address
    movq %rax, 56(%rdi)
    // Only now, with every register saved, is k the innermost continuation: a fault or a timer
    // that resumes it before this point would resume a stale one.
    INNERMOST_STORE(%rdi)
    movq %rdx, %rdi
    subq $8, %rsp               // keep the 16-byte alignment the ABI requires at a call
    call *%rsi
    addq $8, %rsp
    // The callee returned (its word in rax): back in the gate, no continuation is innermost.
    xorl %edx, %edx
    INNERMOST_STORE(%rdx)
    ret
    .size leaf_gate_run, .-leaf_gate_run

    .globl leaf_gate_injected_trap
    .type leaf_gate_injected_trap, @function
leaf_gate_injected_trap:
    ud2
    .size leaf_gate_injected_trap, .-leaf_gate_injected_trap

    .globl leaf_gate_injected_exception
    .type leaf_gate_injected_exception, @function
leaf_gate_injected_exception:
    xorl %ecx, %ecx
    movl $1, %eax
    xorl %edx, %edx
    divl %ecx
    ud2
    .size leaf_gate_injected_exception, .-leaf_gate_injected_exception

    .globl leaf_gate_resume
    .type leaf_gate_resume, @function
// void leaf_gate_resume(const leaf_continuation *k /*rdi*/, int code /*esi*/): leaf_gate_run returns {0, code}
leaf_gate_resume:
    movq 0(%rdi), %rbx
    movq 8(%rdi), %rbp
    movq 16(%rdi), %r12
    movq 24(%rdi), %r13
    movq 32(%rdi), %r14
    movq 40(%rdi), %r15
    movq 48(%rdi), %rsp
    xorl %eax, %eax
    movl %esi, %edx
    jmpq *56(%rdi)
    .size leaf_gate_resume, .-leaf_gate_resume

#if !defined(__linux__)
    // Bare metal: one CPU, one variable (the host's is thread-local, in innermost.c).
    .data
    .globl leaf_innermost_continuation
    .p2align 3
leaf_innermost_continuation:
    .quad 0
#endif

    .section .note.GNU-stack,"",@progbits
