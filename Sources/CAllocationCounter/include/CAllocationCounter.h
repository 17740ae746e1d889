// Counts the heap allocations of the fovea process while counting is on (`fovea bench --memory`).
// Linked into the fovea executable only; see allocation_counter.c for how.
#ifndef C_ALLOCATION_COUNTER_H
#define C_ALLOCATION_COUNTER_H

#include <stdint.h>

/// Allocation calls (malloc, calloc, realloc, memalign, posix_memalign, aligned_alloc) and the
/// bytes they asked for, since the last `fovea_allocation_counting_start`.
typedef struct {
    uint64_t calls;
    uint64_t bytes;
} FoveaAllocationCounts;

/// Zeroes the counters and starts counting, on every thread.
void fovea_allocation_counting_start(void);

/// Stops counting and returns what was counted since the start.
FoveaAllocationCounts fovea_allocation_counting_stop(void);

#endif
