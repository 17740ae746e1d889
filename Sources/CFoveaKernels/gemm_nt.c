// SGEMM with B transposed and few rows of C, without packing (see fovea_gemm.h).
// A linear layer at batch 16 multiplies 16 rows by a [4096, 9216] weight matrix stored row by row:
// the packed GEMM would copy all 151 MB of it into panels on every call and fill only 16 of the
// 28 rows of its two 14-row tiles. Here dot products run along the rows of both operands.
#include "fovea_gemm.h"

#if defined(__x86_64__)
#include <immintrin.h>
#include <string.h>

#define AVX512 __attribute__((target("avx512f,fma")))

enum { ROWS = 4, COLS = 6, DEPTH = 256 };

AVX512 void fovea_sgemm_nt_avx512(long m, long n, long k, float alpha, const float *a, long lda,
                                  const float *b, long ldb, float beta, float *c, long ldc, float *scratch) {
    const long rowBlocks = (m + ROWS - 1) / ROWS;
    for (long j0 = 0; j0 < n; j0 += COLS) {
        const long cols = n - j0 < COLS ? n - j0 : COLS;
        // Past the last column (or row) the pointers repeat a valid one; those sums are dropped.
        const float *bRow[COLS];
        for (long j = 0; j < COLS; j++) bRow[j] = b + (j0 + (j < cols ? j : cols - 1)) * ldb;
        memset(scratch, 0, (size_t)rowBlocks * ROWS * COLS * 16 * sizeof(float));
        for (long p0 = 0; p0 < k; p0 += DEPTH) {
            const long end = k - p0 < DEPTH ? k : p0 + DEPTH;
            for (long block = 0; block < rowBlocks; block++) {
                const float *aRow[ROWS];
                for (long i = 0; i < ROWS; i++) {
                    const long row = block * ROWS + i;
                    aRow[i] = a + (row < m ? row : m - 1) * lda;
                }
                float *lanes = scratch + block * ROWS * COLS * 16;
                __m512 acc[ROWS * COLS];
                for (int t = 0; t < ROWS * COLS; t++) acc[t] = _mm512_loadu_ps(lanes + t * 16);
                long p = p0;
                for (; p + 16 <= end; p += 16) {
                    __m512 bv[COLS];
                    for (int j = 0; j < COLS; j++) bv[j] = _mm512_loadu_ps(bRow[j] + p);
                    for (int i = 0; i < ROWS; i++) {
                        const __m512 av = _mm512_loadu_ps(aRow[i] + p);
                        for (int j = 0; j < COLS; j++) acc[i * COLS + j] = _mm512_fmadd_ps(av, bv[j], acc[i * COLS + j]);
                    }
                }
                if (p < end) {  // the last few depths of the row
                    const __mmask16 mask = (__mmask16)((1u << (end - p)) - 1u);
                    __m512 bv[COLS];
                    for (int j = 0; j < COLS; j++) bv[j] = _mm512_maskz_loadu_ps(mask, bRow[j] + p);
                    for (int i = 0; i < ROWS; i++) {
                        const __m512 av = _mm512_maskz_loadu_ps(mask, aRow[i] + p);
                        for (int j = 0; j < COLS; j++) acc[i * COLS + j] = _mm512_fmadd_ps(av, bv[j], acc[i * COLS + j]);
                    }
                }
                for (int t = 0; t < ROWS * COLS; t++) _mm512_storeu_ps(lanes + t * 16, acc[t]);
            }
        }
        for (long row = 0; row < m; row++) {
            const float *lanes = scratch + (row / ROWS) * ROWS * COLS * 16 + (row % ROWS) * COLS * 16;
            float *out = c + row * ldc + j0;
            for (long j = 0; j < cols; j++) {
                const float sum = alpha * _mm512_reduce_add_ps(_mm512_loadu_ps(lanes + j * 16));
                out[j] = beta == 0.0f ? sum : sum + beta * out[j];
            }
        }
    }
}

#else  // AVX-512 only exists on x86-64; never called elsewhere

void fovea_sgemm_nt_avx512(long m, long n, long k, float alpha, const float *a, long lda,
                           const float *b, long ldb, float beta, float *c, long ldc, float *scratch) {}

#endif
