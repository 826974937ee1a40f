// The device layer's accesses are the inline functions of leaf_devices.h; this file only checks
// what they take for granted.
#include <leaf_devices.h>
_Static_assert(sizeof(uintptr_t) == 8, "device addresses are 64-bit identity-mapped addresses");
