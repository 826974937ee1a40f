# The bare-metal kernel: the portable modules and the domain modules exactly as `make embedded`
# compiles them (same sources, $(EMBEDDED_FLAGS)), plus Sources/LeafKernel (Embedded Swift, C, assembly) and
# boot/ (PVH entry, linker script), linked with ld.lld into $(OUT)/kernel.elf.
#   make kernel      build the image
#   make qemu        build and boot it, console on this terminal (KVM if usable, else TCG)
#   make qemu-test   build and run the self-test headless; fails on a failed check, a kernel
#                    exception, a hang (timeout) or a missing QEMU
#   make qemu-bench  the self-test under TCG -icount: call cost as a path length in instructions
KERNEL_OUT := $(OUT)/kernel
KERNEL_ELF := $(OUT)/kernel.elf
KERNEL_CC ?= clang
KERNEL_LD ?= ld.lld
KERNEL_NM ?= llvm-nm
KERNEL_OBJCOPY ?= llvm-objcopy
KERNEL_CFLAGS := -target x86_64-unknown-none-elf -ffreestanding -fno-builtin -nostdlib -fno-pic \
	-mno-red-zone -mcmodel=kernel -mgeneral-regs-only -fno-stack-protector -fno-omit-frame-pointer \
	-O2 -g -Wall -Wextra -Werror -I Sources/LeafKernel/include -I Sources/CLeafGate/include
KERNEL_SWIFT := $(sort $(wildcard Sources/LeafKernel/*.swift))
KERNEL_C := $(sort $(wildcard Sources/LeafKernel/arch/*.c)) Sources/CLeafGate/innermost.c
KERNEL_ASM := $(sort $(wildcard Sources/LeafKernel/arch/*.S)) boot/pvh.S Sources/CLeafGate/gate.S
KERNEL_NATIVE_OBJS := $(patsubst %,$(KERNEL_OUT)/%.o,$(subst /,_,$(KERNEL_C) $(KERNEL_ASM)))
# String's grapheme breaking needs the Embedded stdlib's Unicode tables.
KERNEL_SWIFT_LIB := $(dir $(shell command -v swiftc 2>/dev/null))../lib/swift/embedded/x86_64-unknown-none-elf
KERNEL_PORTABLE_OBJS := $(patsubst %,$(OUT)/embedded/%.o,$(PORTABLE_MODULES))
# Rv6's programs, linked from a copy that keeps its own code (below); the same file name, for
# boot/kernel.ld's program range.
PROGRAMS_OBJ := $(filter %/ProgramsDomain.o,$(DOMAIN_OBJS))
PROGRAMS_LINKED_OBJ := $(KERNEL_OUT)/programs/ProgramsDomain.o
KERNEL_OTHER_OBJS = $(KERNEL_NATIVE_OBJS) $(KERNEL_PORTABLE_OBJS) $(filter-out %/ProgramsDomain.o,$(DOMAIN_OBJS)) \
	$(KERNEL_OUT)/LeafKernel.o $(KERNEL_SWIFT_LIB)/libswiftUnicodeDataTables.a

TEST_STEPS += qemu-test

.PHONY: kernel qemu qemu-test qemu-bench

kernel: embedded
	@mkdir -p $(KERNEL_OUT)
	@command -v $(KERNEL_CC) >/dev/null || { echo "kernel: $(KERNEL_CC) not found (the Swift toolchain's clang, /opt/swift/usr/bin)"; exit 1; }
	@command -v $(KERNEL_LD) >/dev/null || { echo "kernel: $(KERNEL_LD) not found (the Swift toolchain's ld.lld, /opt/swift/usr/bin)"; exit 1; }
	@for tool in $(KERNEL_NM) $(KERNEL_OBJCOPY); do command -v $$tool >/dev/null || { echo "kernel: $$tool not found (the Swift toolchain's, /opt/swift/usr/bin)"; exit 1; }; done
	@set -e; for src in $(KERNEL_C) $(KERNEL_ASM); do \
		obj=$(KERNEL_OUT)/$$(echo $$src | tr / _).o; \
		$(KERNEL_CC) $(KERNEL_CFLAGS) -c $$src -o $$obj; \
	done
	@echo "kernel: LeafKernel"
	@swiftc $(EMBEDDED_FLAGS) -module-name LeafKernel -I Sources/LeafKernel/include -I $(KERNEL_OUT) \
		-c $(KERNEL_SWIFT) -o $(KERNEL_OUT)/LeafKernel.o
	@# Code that other modules carry too (the runtime, generic code specialized in each) is a
	@# weak definition in every object, and the linker would bind the programs' calls to
	@# another module's copy, outside boot/kernel.ld's program range: a program spinning in
	@# String or Array code would then never be preempted. Made local in the programs' object,
	@# their own copies are what they call, inside the range. Not LeafCore's: its code updates
	@# the kernel's tables (inside asKernel windows the timer never preempts, but a second line
	@# of defence costs nothing) and never spins, so it stays outside the range.
	@mkdir -p $(dir $(PROGRAMS_LINKED_OBJ))
	@$(KERNEL_NM) --defined-only $(KERNEL_OTHER_OBJS) 2>/dev/null | awk 'NF == 3 { print $$3 }' | sort -u > $(KERNEL_OUT)/others.syms
	@$(KERNEL_NM) --defined-only $(PROGRAMS_OBJ) | awk '$$2 == "W" && $$3 !~ /^\$$e8LeafCore/ { print $$3 }' | sort -u \
		| comm -12 - $(KERNEL_OUT)/others.syms > $(KERNEL_OUT)/programs-own.syms
	@$(KERNEL_OBJCOPY) --localize-symbols=$(KERNEL_OUT)/programs-own.syms $(PROGRAMS_OBJ) $(PROGRAMS_LINKED_OBJ)
	@echo "kernel: the programs keep their own copies of $$(wc -l < $(KERNEL_OUT)/programs-own.syms) functions other modules carry too"
	@$(KERNEL_LD) -T boot/kernel.ld -nostdlib -static -z max-page-size=4096 -z noexecstack \
		-o $(KERNEL_ELF) $(KERNEL_OTHER_OBJS) $(PROGRAMS_LINKED_OBJ)
	@echo "kernel: $(KERNEL_ELF) ($$(stat -c %s $(KERNEL_ELF)) bytes)"
	@$(KERNEL_CC) $(KERNEL_CFLAGS) -c boot/kvm-probe.S -o $(KERNEL_OUT)/kvm-probe.o
	@$(KERNEL_LD) -T boot/kernel.ld -nostdlib -static -z noexecstack -o $(KERNEL_OUT)/kvm-probe.elf \
		$(KERNEL_OUT)/boot_pvh.S.o $(KERNEL_OUT)/kvm-probe.o

# Rv6's disk: an xv6-riscv image of the files in rv6/, made by mkfs (remade when they change).
RV6_IMAGE := $(OUT)/rv6.img
$(RV6_IMAGE): $(wildcard rv6/*)
	@mkdir -p $(OUT)
	$(SWIFT) run mkfs $@ $(sort $(wildcard rv6/*))

# On a fresh machine: QEMU (and Python, for the image checks) installed as CI installs them,
# by scripts/install-deps.sh, when this user may; otherwise the one command to run. Skipped when
# QEMU names a binary of one's own.
QEMU_BIN ?= qemu-system-x86_64
.PHONY: qemu-deps
qemu-deps:
	@if [ -z "$$QEMU" ] && ! { command -v $(QEMU_BIN) && command -v python3; } >/dev/null 2>&1; then 		if [ "$$(id -u)" = 0 ]; then scripts/install-deps.sh; 		elif sudo -n true 2>/dev/null; then sudo scripts/install-deps.sh; fi; 		command -v $(QEMU_BIN) >/dev/null 2>&1 || { echo "make: QEMU ($(QEMU_BIN)) is missing; run: sudo scripts/install-deps.sh"; exit 1; }; 	fi

qemu: qemu-deps kernel $(RV6_IMAGE)
	boot/qemu.sh run $(KERNEL_ELF)

qemu-test: qemu-deps kernel $(RV6_IMAGE)
	$(SWIFT) build --product fsck
	boot/qemu.sh test $(KERNEL_ELF)

qemu-bench: qemu-deps kernel $(RV6_IMAGE)
	boot/qemu.sh bench $(KERNEL_ELF)
