// Cache prefetch hint for the engine's batch warmer (Swift has no prefetch intrinsic). A hint
// only: it never faults and changes no state; a plain load would stall the core until it returns.
#ifndef OVERTAKE_CPREFETCH_H
#define OVERTAKE_CPREFETCH_H

static inline void overtake_prefetch(const void *address) { __builtin_prefetch(address, 0, 3); }

#endif
