# `make verify`: Z3 proves every (transition, invariant) obligation of Specs/ and shows that each
# planted bug of the mutant catalogue is caught. Uses its own build directory.
TEST_STEPS += verify
VERIFY_SCRATCH ?= .build-specs

.PHONY: verify
verify:
	$(SWIFT) run -c release --scratch-path $(VERIFY_SCRATCH) verify
	$(SWIFT) run -c release --scratch-path $(VERIFY_SCRATCH) verify --mutants --quiet
