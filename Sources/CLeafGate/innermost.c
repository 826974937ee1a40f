// The host's innermost continuation, one per thread (see leaf_gate.h). Bare metal defines its
// single one in gate.S.
#include <leaf_gate.h>

#if defined(__linux__)
__thread leaf_continuation *leaf_innermost_continuation __attribute__((tls_model("initial-exec"))) = 0;
#endif
