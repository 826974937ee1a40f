# `make verify`: Z3 proves every (transition, invariant) obligation of Specs/ and shows that each
# planted bug of the mutant catalogue is caught, then a second solver (cvc5) answers every query
# of the proof as Z3 did, from the SMT-LIB 2 files verify writes. Uses its own build directory.
TEST_STEPS += verify
VERIFY_SCRATCH ?= .build-specs

.PHONY: verify
verify:
	$(SWIFT) run -c release --scratch-path $(VERIFY_SCRATCH) verify
	$(SWIFT) run -c release --scratch-path $(VERIFY_SCRATCH) verify --mutants --quiet
	@rm -rf $(OUT)/smt2
	$(VERIFY_SCRATCH)/release/verify --quiet --smt2 $(OUT)/smt2
	scripts/replay-smt2.sh $(OUT)/smt2
