// CFoveaKernels: the few pieces of Fovea that must be C.
//  - per-thread flags (a worker must not fan out again; gradient recording on/off) and the
//    worker threads that spin between parallel regions (C11 atomics),
//  - CPU feature detection,
//  - ISA-specific micro-kernels compiled with __attribute__((target(...))) so that a
//    plain `swift build -c release` (baseline x86-64) still reaches AVX2/AVX-512 FMA units.
// Everything above the micro-kernels (packing, blocking, how work is split) is Swift.
#ifndef CFOVEAKERNELS_H
#define CFOVEAKERNELS_H

#include <stddef.h>
#include <stdint.h>

#include "fovea_gemm.h"    // SGEMM micro-kernels, CPU detection, FMA probe
#include "fovea_direct.h"  // AVX-512 depthwise convolution and max pooling
#include "fovea_winograd.h"  // Winograd F(2×2, 3×3) and F(2×2, 5×5) input and output transforms
#include "fovea_implicit_conv.h"  // implicit-GEMM convolution: packing from the image, transposed store
#include "fovea_thread_pool.h"  // spinning worker threads for Parallel.forEach

#ifdef __cplusplus
extern "C" {
#endif

/// Per-thread integer flags, indexed by slot (see FoveaThreadSlot). 0 when never set.
int fovea_thread_flag_get(int slot);
void fovea_thread_flag_set(int slot, int value);

enum FoveaThreadSlot {
    FOVEA_SLOT_IN_PARALLEL = 0,   ///< 1 while the thread runs a parallel chunk
    FOVEA_SLOT_NO_GRAD = 1,       ///< >0 while gradient recording is paused on this thread
    FOVEA_SLOT_COUNT = 8
};

#ifdef __cplusplus
}
#endif

#endif
