// Heap-allocation counter for `fovea bench --memory`, by symbol interposition.
//
// glibc lets a program replace malloc by defining malloc, free, calloc and realloc (and the
// aligned variants) itself ("Replacing malloc" in the glibc manual): the dynamic linker then binds
// every library's calls to the executable's definitions, the Swift runtime and Foundation
// included. The definitions here forward each call to glibc's own allocator (`__libc_*`), so every
// block stays glibc's and nothing else changes; while counting is on, each allocation call also
// adds one call and its requested size. Off, the cost is one relaxed atomic load per call.
// valloc and pvalloc are not replaced (glibc serves them itself, uncounted; nothing here uses them).
// Elsewhere than glibc (macOS's two-level namespace does not interpose this way) nothing is
// replaced: the counters stay at zero and `fovea bench --memory` reports no allocation figures.

#include "CAllocationCounter.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

static atomic_bool counting;
static atomic_uint_fast64_t calls, bytes;

static inline void count(size_t size) {
    if (atomic_load_explicit(&counting, memory_order_relaxed)) {
        atomic_fetch_add_explicit(&calls, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&bytes, size, memory_order_relaxed);
    }
}

void fovea_allocation_counting_start(void) {
    atomic_store(&calls, 0);
    atomic_store(&bytes, 0);
    atomic_store(&counting, true);
}

FoveaAllocationCounts fovea_allocation_counting_stop(void) {
    atomic_store(&counting, false);
    FoveaAllocationCounts counts = {atomic_load(&calls), atomic_load(&bytes)};
    return counts;
}

#if defined(__GLIBC__)

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);
extern void *__libc_memalign(size_t alignment, size_t size);
extern void __libc_free(void *pointer);

void *malloc(size_t size) {
    count(size);
    return __libc_malloc(size);
}

void *calloc(size_t n, size_t size) {
    count(n * size);
    return __libc_calloc(n, size);
}

// A resize may move the block, so it counts as an allocation of the new size.
void *realloc(void *pointer, size_t size) {
    count(size);
    return __libc_realloc(pointer, size);
}

void free(void *pointer) { __libc_free(pointer); }

void *memalign(size_t alignment, size_t size) {
    count(size);
    return __libc_memalign(alignment, size);
}

void *aligned_alloc(size_t alignment, size_t size) {
    count(size);
    return __libc_memalign(alignment, size);
}

// The Swift runtime allocates over-aligned memory (Fovea's 64-byte tensor storage) through here.
int posix_memalign(void **result, size_t alignment, size_t size) {
    if (alignment == 0 || alignment % sizeof(void *) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
    count(size);
    void *pointer = __libc_memalign(alignment, size);
    if (pointer == NULL && size != 0) return ENOMEM;
    *result = pointer;
    return 0;
}

#endif  // __GLIBC__
