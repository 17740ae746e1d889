// SGEMM micro-kernels: one MR×NR tile of C per call, from panels packed by the Swift GEMM.
//
// Each x86-64 kernel carries __attribute__((target(...))) so that a plain baseline build
// (`swift build -c release`, no flags) still emits AVX2/AVX-512 FMA code for these functions
// only; fovea_sgemm_kernel() hands out the one the CPU supports (see gemm_cpu.c). The portable
// kernel is plain C and is the only one compiled on other architectures (arm64: NEON is baseline).
#include "fovea_gemm.h"
#include "fovea_implicit_conv.h"

// MARK: - Portable 4×8 / 8×8 (any CPU)

// Written with the compiler's vector extension (not intrinsics) so one source serves SSE2 and
// NEON. The row count follows the register file: baseline x86-64 has 16 SSE registers and no FMA
// (each multiply needs a temporary), so 4×8 (8 accumulators); arm64 has 32 NEON registers, 8×8.
typedef float fovea_v4 __attribute__((vector_size(16)));
typedef float fovea_v4u __attribute__((vector_size(16), aligned(4)));  // unaligned access

void fovea_sgemm_portable(size_t kc, const float *a, const float *b, float *c, size_t ldc,
                          size_t m, size_t n, float alpha, float beta) {
    enum { MR = FOVEA_PORTABLE_MR };
    fovea_v4 acc[MR][2];
    for (int i = 0; i < MR; i++) acc[i][0] = acc[i][1] = (fovea_v4){0, 0, 0, 0};
    for (size_t p = 0; p < kc; p++) {
        const fovea_v4 b0 = *(const fovea_v4u *)b, b1 = *(const fovea_v4u *)(b + 4);
        for (int i = 0; i < MR; i++) {
            const fovea_v4 ai = {a[i], a[i], a[i], a[i]};
            acc[i][0] += ai * b0;
            acc[i][1] += ai * b1;
        }
        a += MR;
        b += 8;
    }
    float t[MR][8];
    for (int i = 0; i < MR; i++) {
        *(fovea_v4u *)&t[i][0] = acc[i][0];
        *(fovea_v4u *)&t[i][4] = acc[i][1];
    }
    for (size_t i = 0; i < m; i++) {
        float *cr = c + i * ldc;
        for (size_t j = 0; j < n; j++) {
            const float r = alpha * t[i][j];
            cr[j] = beta == 0.0f ? r : r + beta * cr[j];
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// MARK: - AVX2 + FMA 6×16

#define FOVEA_AVX2 __attribute__((target("avx2,fma")))
#define ROWS6(X) X(0) X(1) X(2) X(3) X(4) X(5)

FOVEA_AVX2 void fovea_sgemm_avx2_6x16(size_t kc, const float *a, const float *b, float *c,
                                      size_t ldc, size_t m, size_t n, float alpha, float beta) {
#define DECL(i) __m256 c##i##a = _mm256_setzero_ps(), c##i##b = _mm256_setzero_ps();
    ROWS6(DECL)
#undef DECL
    for (size_t p = 0; p < kc; p++) {
        const __m256 b0 = _mm256_loadu_ps(b), b1 = _mm256_loadu_ps(b + 8);
#define STEP(i) { const __m256 ai = _mm256_broadcast_ss(a + i);                        \
                  c##i##a = _mm256_fmadd_ps(ai, b0, c##i##a);                          \
                  c##i##b = _mm256_fmadd_ps(ai, b1, c##i##b); }
        ROWS6(STEP)
#undef STEP
        a += 6;
        b += 16;
    }
    const __m256 va = _mm256_set1_ps(alpha), vb = _mm256_set1_ps(beta);
    if (m == 6 && n == 16) {
#define STORE(i) { float *cr = c + (i) * ldc;                                          \
                   __m256 r0 = _mm256_mul_ps(va, c##i##a), r1 = _mm256_mul_ps(va, c##i##b); \
                   if (beta != 0.0f) { r0 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr), r0);   \
                                       r1 = _mm256_fmadd_ps(vb, _mm256_loadu_ps(cr + 8), r1); } \
                   _mm256_storeu_ps(cr, r0); _mm256_storeu_ps(cr + 8, r1); }
        ROWS6(STORE)
#undef STORE
        return;
    }
    // Edge tile: spill the scaled tile, then write back only the valid m×n part.
    float t[6 * 16];
#define SPILL(i) { _mm256_storeu_ps(t + (i) * 16, _mm256_mul_ps(va, c##i##a));         \
                   _mm256_storeu_ps(t + (i) * 16 + 8, _mm256_mul_ps(va, c##i##b)); }
    ROWS6(SPILL)
#undef SPILL
    for (size_t i = 0; i < m; i++) {
        float *cr = c + i * ldc;
        for (size_t j = 0; j < n; j++) cr[j] = beta == 0.0f ? t[i * 16 + j] : t[i * 16 + j] + beta * cr[j];
    }
}

// MARK: - AVX-512F 14×32

// 28 accumulators + 2 B vectors of the 32 zmm registers; A values are broadcast from memory.
#define FOVEA_AVX512 __attribute__((target("avx512f,fma")))
#define ROWS14(X) X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)

// The 28 accumulators, and one depth step: row i's value a[i] broadcast against the two B vectors.
#define DECL14x32(i) __m512 c##i##a = _mm512_setzero_ps(), c##i##b = _mm512_setzero_ps();
#define STEP14x32(i) { const __m512 ai = _mm512_set1_ps(a[i]);                         \
                       c##i##a = _mm512_fmadd_ps(ai, b0, c##i##a);                     \
                       c##i##b = _mm512_fmadd_ps(ai, b1, c##i##b); }

FOVEA_AVX512 void fovea_sgemm_avx512_14x32(size_t kc, const float *a, const float *b, float *c,
                                           size_t ldc, size_t m, size_t n, float alpha, float beta) {
    ROWS14(DECL14x32)
    // Bring the C tile towards L1 while the FMAs run (it is read or written only at the end).
#define PREFETCH(i) if ((i) < m) { _mm_prefetch((const char *)(c + (i) * ldc), _MM_HINT_T0);  \
                                   _mm_prefetch((const char *)(c + (i) * ldc + 31), _MM_HINT_T0); }
    ROWS14(PREFETCH)
#undef PREFETCH
    for (size_t p = 0; p < kc; p++) {
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);
        ROWS14(STEP14x32)
        a += 14;
        b += 32;
    }
    const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
    if (m == 14 && n == 32) {
#define STORE(i) { float *cr = c + (i) * ldc;                                          \
                   __m512 r0 = _mm512_mul_ps(va, c##i##a), r1 = _mm512_mul_ps(va, c##i##b); \
                   if (beta != 0.0f) { r0 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr), r0);   \
                                       r1 = _mm512_fmadd_ps(vb, _mm512_loadu_ps(cr + 16), r1); } \
                   _mm512_storeu_ps(cr, r0); _mm512_storeu_ps(cr + 16, r1); }
        ROWS14(STORE)
#undef STORE
        return;
    }
    // Edge tile: masked loads/stores touch only the n valid columns of the m valid rows.
    const __mmask16 k0 = n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1);
    const __mmask16 k1 = n >= 32 ? (__mmask16)0xFFFF : n > 16 ? (__mmask16)((1u << (n - 16)) - 1) : 0;
#define STORE(i) if ((i) < m) {                                                        \
                   float *cr = c + (i) * ldc;                                          \
                   __m512 r0 = _mm512_mul_ps(va, c##i##a), r1 = _mm512_mul_ps(va, c##i##b); \
                   if (beta != 0.0f) {                                                 \
                       r0 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k0, cr), r0);    \
                       r1 = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(k1, cr + 16), r1); } \
                   _mm512_mask_storeu_ps(cr, k0, r0); _mm512_mask_storeu_ps(cr + 16, k1, r1); }
    ROWS14(STORE)
#undef STORE
}

// The same kernel reading A straight from a zero-padded image (Conv2DImplicitGEMM.swift):
// depth step p broadcasts image[offsets[p] + i·stride]; the whole tile goes to `tile` (ld 32).
// The strides 1, 2 and 4 (unit-stride layers, GoogLeNet's and AlexNet's first layers) are
// compiled with the stride as a constant, so that every broadcast is one load at a fixed offset.
#define STEP14x32_STRIDED(i) { const __m512 ai = _mm512_set1_ps(a[(i) * stride]);      \
                               c##i##a = _mm512_fmadd_ps(ai, b0, c##i##a);             \
                               c##i##b = _mm512_fmadd_ps(ai, b1, c##i##b); }
#define IMAGE_KERNEL(name, STRIDE)                                                      \
FOVEA_AVX512 static void name(long kc, const float *image, long runtimeStride,          \
                              const int32_t *offsets, const float *b, float *tile) {     \
    const long stride = STRIDE;                                                         \
    (void)runtimeStride;                                                                \
    ROWS14(DECL14x32)                                                                   \
    for (long p = 0; p < kc; p++) {                                                     \
        const float *a = image + offsets[p];                                            \
        const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16);             \
        ROWS14(STEP14x32_STRIDED)                                                       \
        b += 32;                                                                        \
    }                                                                                   \
    STORE_TILE14x32                                                                     \
}
#define STORE(i) { _mm512_storeu_ps(tile + (i) * 32, c##i##a); _mm512_storeu_ps(tile + (i) * 32 + 16, c##i##b); }
#define STORE_TILE14x32 ROWS14(STORE)
IMAGE_KERNEL(image_kernel_stride1, 1)
IMAGE_KERNEL(image_kernel_stride2, 2)
IMAGE_KERNEL(image_kernel_stride4, 4)
IMAGE_KERNEL(image_kernel_any_stride, runtimeStride)
#undef STORE_TILE14x32
#undef STORE
#undef IMAGE_KERNEL
#undef STEP14x32_STRIDED

void fovea_sgemm_avx512_14x32_image(long kc, const float *image, long stride, const int32_t *offsets,
                                    const float *b, float *tile) {
    switch (stride) {
    case 1: image_kernel_stride1(kc, image, 1, offsets, b, tile); break;
    case 2: image_kernel_stride2(kc, image, 2, offsets, b, tile); break;
    case 4: image_kernel_stride4(kc, image, 4, offsets, b, tile); break;
    default: image_kernel_any_stride(kc, image, stride, offsets, b, tile); break;
    }
}

#else  // the implicit-GEMM variant exists only where AVX-512 can (never called elsewhere)

void fovea_sgemm_avx512_14x32_image(long kc, const float *image, long stride, const int32_t *offsets, const float *b,
                                    float *tile) {}

#endif // __x86_64__
