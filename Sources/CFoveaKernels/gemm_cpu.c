// CPU feature detection, micro-kernel selection and the FMA peak probe for Fovea's SGEMM.
//
// Detection reads CPUID and XCR0 directly (rather than __builtin_cpu_supports, which needs
// libgcc's __cpu_model at link time): an ISA counts only when the CPU has it *and* the OS saves
// its registers (XCR0 bits for YMM, and for AVX-512 also opmask/ZMM state).
#include "fovea_gemm.h"

void fovea_sgemm_portable(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                          size_t m, size_t n, float alpha, float beta);
#if defined(__x86_64__)
void fovea_sgemm_avx2_6x16(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                           size_t m, size_t n, float alpha, float beta);
void fovea_sgemm_avx512_14x32(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                              size_t m, size_t n, float alpha, float beta);
#include <cpuid.h>
#include <immintrin.h>

static unsigned long long fovea_xcr0(void) {
    unsigned int lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif

int fovea_cpu_supports(int isa) {
    if (isa == FOVEA_ISA_PORTABLE || isa == FOVEA_ISA_AUTO) return 1;
#if defined(__x86_64__)
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    const int osxsave = (ecx >> 27) & 1, avx = (ecx >> 28) & 1, fma = (ecx >> 12) & 1;
    if (!osxsave || !avx || !fma) return 0;
    const unsigned long long xcr0 = fovea_xcr0();
    if ((xcr0 & 0x6) != 0x6) return 0;                       // XMM and YMM state
    if (__get_cpuid_max(0, 0) < 7) return 0;
    __cpuid_count(7, 0, eax, ebx, ecx, edx);
    const int avx2 = (ebx >> 5) & 1, avx512f = (ebx >> 16) & 1;
    if (isa == FOVEA_ISA_AVX2) return avx2;
    if (isa == FOVEA_ISA_AVX512) return avx512f && (xcr0 & 0xE6) == 0xE6;  // + opmask, ZMM
#endif
    return 0;
}

FoveaSGEMMKernel fovea_sgemm_kernel(int isa) {
    if (isa == FOVEA_ISA_AUTO) isa = FOVEA_ISA_AVX512;
#if defined(__x86_64__)
    if (isa >= FOVEA_ISA_AVX512 && fovea_cpu_supports(FOVEA_ISA_AVX512)) {
        FoveaSGEMMKernel k = {fovea_sgemm_avx512_14x32, 14, 32, FOVEA_ISA_AVX512, "avx512-fma 14x32"};
        return k;
    }
    if (isa >= FOVEA_ISA_AVX2 && fovea_cpu_supports(FOVEA_ISA_AVX2)) {
        FoveaSGEMMKernel k = {fovea_sgemm_avx2_6x16, 6, 16, FOVEA_ISA_AVX2, "avx2-fma 6x16"};
        return k;
    }
#endif
    FoveaSGEMMKernel k = {fovea_sgemm_portable, FOVEA_PORTABLE_MR, 8, FOVEA_ISA_PORTABLE, FOVEA_PORTABLE_NAME};
    return k;
}

// MARK: - FMA peak probe

// Twelve independent accumulator chains: enough to cover FMA latency (4 cycles) times
// throughput (up to 2 per cycle) on current x86 cores. acc = acc·y + x converges, so no
// overflow or denormals whatever the iteration count.
#define CHAINS(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11)

#if defined(__x86_64__)
__attribute__((target("avx512f,fma")))
static double fovea_probe_avx512(size_t iterations, float seed, float *sink) {
    const __m512 x = _mm512_set1_ps(seed * 1e-3f), y = _mm512_set1_ps(0.999999f);
#define DECL(i) __m512 r##i = _mm512_set1_ps(seed + (float)(i));
    CHAINS(DECL)
#undef DECL
    for (size_t it = 0; it < iterations; it++) {
#define STEP(i) r##i = _mm512_fmadd_ps(r##i, y, x);
        CHAINS(STEP)
#undef STEP
    }
    __m512 s = _mm512_setzero_ps();
#define SUM(i) s = _mm512_add_ps(s, r##i);
    CHAINS(SUM)
#undef SUM
    *sink = _mm512_reduce_add_ps(s);
    return (double)iterations * 12.0 * 16.0 * 2.0;
}

__attribute__((target("avx2,fma")))
static double fovea_probe_avx2(size_t iterations, float seed, float *sink) {
    const __m256 x = _mm256_set1_ps(seed * 1e-3f), y = _mm256_set1_ps(0.999999f);
#define DECL(i) __m256 r##i = _mm256_set1_ps(seed + (float)(i));
    CHAINS(DECL)
#undef DECL
    for (size_t it = 0; it < iterations; it++) {
#define STEP(i) r##i = _mm256_fmadd_ps(r##i, y, x);
        CHAINS(STEP)
#undef STEP
    }
    __m256 s = _mm256_setzero_ps();
#define SUM(i) s = _mm256_add_ps(s, r##i);
    CHAINS(SUM)
#undef SUM
    float lanes[8];
    _mm256_storeu_ps(lanes, s);
    *sink = lanes[0] + lanes[1] + lanes[2] + lanes[3] + lanes[4] + lanes[5] + lanes[6] + lanes[7];
    return (double)iterations * 12.0 * 8.0 * 2.0;
}
#endif

// 4-wide vectors (SSE2 on baseline x86-64, NEON on arm64) through the compiler's vector
// extension; multiply and add may or may not fuse, either way 2 FLOPs per lane.
typedef float fovea_v4f __attribute__((vector_size(16)));

static double fovea_probe_portable(size_t iterations, float seed, float *sink) {
    const fovea_v4f x = {seed * 1e-3f, seed * 1e-3f, seed * 1e-3f, seed * 1e-3f};
    const fovea_v4f y = {0.999999f, 0.999999f, 0.999999f, 0.999999f};
#define DECL(i) fovea_v4f r##i = {seed + (float)(i), seed, seed, seed};
    CHAINS(DECL)
#undef DECL
    for (size_t it = 0; it < iterations; it++) {
#define STEP(i) r##i = r##i * y + x;
        CHAINS(STEP)
#undef STEP
    }
    fovea_v4f s = {0, 0, 0, 0};
#define SUM(i) s += r##i;
    CHAINS(SUM)
#undef SUM
    *sink = s[0] + s[1] + s[2] + s[3];
    return (double)iterations * 12.0 * 4.0 * 2.0;
}

double fovea_fma_probe(int isa, size_t iterations, float seed, float *sink) {
    const int chosen = fovea_sgemm_kernel(isa).isa;
#if defined(__x86_64__)
    if (chosen == FOVEA_ISA_AVX512) return fovea_probe_avx512(iterations, seed, sink);
    if (chosen == FOVEA_ISA_AVX2) return fovea_probe_avx2(iterations, seed, sink);
#endif
    (void)chosen;
    return fovea_probe_portable(iterations, seed, sink);
}
