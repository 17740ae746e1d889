// SGEMM micro-kernels and the FMA peak probe: the only parts of Fovea's GEMM written in C.
// Packing, cache blocking and threading live in Swift (Sources/FoveaKernels/GEMM*.swift).
//
// A micro-kernel computes one MR×NR tile of C from packed panels:
//   C[0..<m, 0..<n] = alpha · Ã·B̃ + beta · C      (m ≤ MR, n ≤ NR; beta == 0 never reads C)
// where Ã is MR×kc stored column by column (a[p·MR + i]) and B̃ is kc×NR stored row by row
// (b[p·NR + j]); rows/columns beyond m/n in the panels must be finite (packing zero-pads them).
#ifndef FOVEA_GEMM_H
#define FOVEA_GEMM_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Rows of the portable micro-kernel's tile (its columns are 8): sized to the register file.
#if defined(__x86_64__) || defined(__i386__)
#define FOVEA_PORTABLE_MR 4
#define FOVEA_PORTABLE_NAME "portable 4x8"
#else
#define FOVEA_PORTABLE_MR 8
#define FOVEA_PORTABLE_NAME "portable 8x8"
#endif

/// One micro-kernel: C tile (row-major, leading dimension ldc) from packed panels a and b.
typedef void (*fovea_sgemm_ukernel_fn)(size_t kc, const float *a, const float *b,
                                       float *c, size_t ldc, size_t m, size_t n,
                                       float alpha, float beta);

/// The instruction sets a micro-kernel may be compiled for.
enum FoveaGEMMISA {
    FOVEA_ISA_AUTO = 0,      ///< the best one this CPU and OS support
    FOVEA_ISA_PORTABLE = 1,  ///< plain C, any CPU
    FOVEA_ISA_AVX2 = 2,      ///< x86-64 AVX2 + FMA (256-bit)
    FOVEA_ISA_AVX512 = 3     ///< x86-64 AVX-512F (512-bit)
};

/// A micro-kernel with its register-block shape.
typedef struct {
    fovea_sgemm_ukernel_fn kernel;
    int mr;            ///< rows of the C tile (broadcast side, from A)
    int nr;            ///< columns of the C tile (vector side, from B)
    int isa;           ///< the FoveaGEMMISA actually chosen
    const char *name;  ///< e.g. "avx512-fma 14x32"
} FoveaSGEMMKernel;

/// True when this CPU *and* the OS (saved register state, XCR0) support the ISA.
int fovea_cpu_supports(int isa);

/// The micro-kernel for `isa`; an ISA the machine lacks falls back to the best supported one
/// below it, FOVEA_ISA_AUTO picks the best overall.
FoveaSGEMMKernel fovea_sgemm_kernel(int isa);

/// C = alpha · A · Bᵀ + beta · C without packing, for a few rows of C (a linear layer at small
/// batch: A the inputs, B the [out, in] weights): c[i·ldc + j] = alpha · Σ_p a[i·lda + p] · b[j·ldb + p]
/// (+ beta · c[i·ldc + j]; beta == 0 never reads C), for i < m, j < n. B is read once, front to back,
/// in blocks of 6 rows, each multiplied against 4 rows of A at a time, 256 depths at a time, so
/// that both stay in L1; lane sums are kept in `scratch` (⌈m/4⌉·24·16 floats) and added up at
/// the end. Every element is summed in the same order whatever the caller's split of the columns.
/// AVX-512 only: call when fovea_cpu_supports(FOVEA_ISA_AVX512).
void fovea_sgemm_nt_avx512(long m, long n, long k, float alpha, const float *a, long lda,
                           const float *b, long ldb, float beta, float *c, long ldc, float *scratch);

/// Runs `iterations` rounds of independent FMAs on the widest supported vectors (or `isa`'s)
/// and returns the number of floating-point operations performed (2 per lane per FMA).
/// `seed` keeps the compiler from folding the loop; the result is written to *sink.
double fovea_fma_probe(int isa, size_t iterations, float seed, float *sink);

#ifdef __cplusplus
}
#endif

#endif
