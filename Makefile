# SwiftLeaf: `make test` is the project's test command (README, CI); `make qemu` boots the kernel.
SWIFT ?= swift
OUT := out

# The portable modules, in dependency order: each must build for the host (swift build) and
# with Embedded Swift for the bare-metal target, from the same sources. Specs lives at the top.
PORTABLE_MODULES := LeafCore Specs LeafAbstraction LeafInterfaces LeafProxies
EMBEDDED_FLAGS := -enable-experimental-feature Embedded -target x86_64-unknown-none-elf -wmo \
	-parse-as-library -Osize -Xcc -mno-red-zone -Xcc -mcmodel=kernel -Xfrontend -disable-stack-protector \
	-I Sources/CLeafGate/include -I $(OUT)/embedded

# Each component adds its checks to TEST_STEPS in its own makefile fragment.
TEST_STEPS := build embedded unit-tests
-include Proofs/verify.mk
-include Sources/proxygen/proxygen.mk
-include boot/kernel.mk

.PHONY: test build unit-tests embedded bench clean

test: $(TEST_STEPS)
	@echo "make test: all checks passed ($(TEST_STEPS))"

build:
	$(SWIFT) build

# Serial: the property tests silence stderr while they trap on purpose.
unit-tests:
	$(SWIFT) test --no-parallel

# Compiles every portable module with Embedded Swift for x86_64-unknown-none-elf.
embedded:
	@mkdir -p $(OUT)/embedded
	@set -e; for m in $(PORTABLE_MODULES); do \
		echo "embedded: $$m"; \
		swiftc $(EMBEDDED_FLAGS) -module-name $$m -emit-module \
			-emit-module-path $(OUT)/embedded/$$m.swiftmodule \
			-c $$(find $$(if [ $$m = Specs ]; then echo Specs; else echo Sources/$$m; fi) -name '*.swift' | sort) -o $(OUT)/embedded/$$m.o; \
	done

# Cycles per call against a direct call (rdtsc), heap allocations per call (malloc
# interposed), then the machine code of the proxies checked for retain/release/allocation calls.
bench:
	$(SWIFT) build -c release --product leafbench
	.build/release/leafbench
	python3 scripts/check-call-path.py .build/release/leafbench \
		'$$s11LeafProxies10ProbeProxyC' '$$s9leafbench21HandWrittenProbeProxyC'

clean:
	rm -rf $(OUT) .build
