// Lane masks shared by the AVX-512 kernels (direct_avx512.c, winograd.c). Private to CFoveaKernels.
#ifndef FOVEA_AVX512_LANES_H
#define FOVEA_AVX512_LANES_H
#if defined(__x86_64__)
#include <immintrin.h>

/// Lanes i (0 ..< 16) with lo ≤ base + i < hi: the lanes of a 16-element vector starting at
/// element `base` that fall in the range lo ..< hi.
static inline __mmask16 fovea_lanes(long lo, long hi, long base) {
    long a = lo - base, b = hi - base;
    if (a < 0) a = 0;
    if (b > 16) b = 16;
    if (a >= b) return 0;
    return (__mmask16)(((1u << b) - 1u) & ~((1u << a) - 1u));
}
#endif
#endif
