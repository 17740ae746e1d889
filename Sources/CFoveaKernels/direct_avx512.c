// AVX-512 depthwise convolution and max pooling, one plane per call (see fovea_direct.h).
// N batch, C channels, H×W input, R×S window/kernel, P×Q output
//
// Rows are cut into chunks of 16 output columns held in one zmm register across every tap, so
// each output is written once. Taps that fall outside the input are masked off (masked loads
// never touch the masked lanes, so nothing is read outside the planes); masked adds keep the
// skipped taps out of the sums exactly as the Swift loops skip them.
#include "fovea_gemm.h"
#include "fovea_direct.h"
#include "avx512_lanes.h"

#if defined(__clang__)
#pragma clang fp contract(off)  // w·x + acc stays a multiply then an add, like the Swift loops
#endif

int fovea_direct_avx512_available(void) { return fovea_cpu_supports(FOVEA_ISA_AVX512); }

#if defined(__x86_64__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f")))

static inline long max_l(long a, long b) { return a > b ? a : b; }
static inline long min_l(long a, long b) { return a < b ? a : b; }

// The depthwise kernels take 64 columns (four chunks, four independent accumulators) at a time so
// that the adds of the four chunks overlap; a chunk past the end of the row has an empty mask.
// The masks depend only on the column s of the tap and the chunk, so they are computed once per
// block of 64 columns, not per row.

// The three column taps of one kernel row over a 16-column chunk, for the 3-wide kernels below:
// the input (or output gradient) shifted by each tap's column offset o[t], loaded once and added
// to every row it reaches. A chunk whose taps all fall inside the row (`full`) loads and adds
// without masks; at a row's ends, lanes outside m[t] are neither read nor added (the naive
// loop skips those taps, so the sums stay its bits).
typedef struct { __m512 v[3]; } Taps3;

__attribute__((always_inline)) AVX512 static inline Taps3 taps3_load(const float *p, const long o[3],
                                                                     const __mmask16 m[3], int full) {
    Taps3 x;
    for (int t = 0; t < 3; t++) x.v[t] = full ? _mm512_loadu_ps(p + o[t]) : _mm512_maskz_loadu_ps(m[t], p + o[t]);
    return x;
}

/// acc + w[0]·x₀ + w[1]·x₁ + w[2]·x₂, added in that order.
__attribute__((always_inline)) AVX512 static inline __m512 taps3_add(__m512 acc, const __m512 w[3], Taps3 x,
                                                                     const __mmask16 m[3], int full) {
    for (int t = 0; t < 3; t++)
        acc = full ? _mm512_add_ps(acc, _mm512_mul_ps(w[t], x.v[t]))
                   : _mm512_mask_add_ps(acc, m[t], acc, _mm512_mul_ps(w[t], x.v[t]));
    return acc;
}

// Kernels three wide (3×3, the common depthwise layer), by chunks of taps as above. A 3×3 kernel
// at unit row stride makes two output rows at a time from the four input rows they read, each
// loaded once (a third of the loads: 64×56×56 at batch 16, 0.83 → 0.70 ms on two threads).
// Same sums in the same order as the general loop below.
AVX512 static void depthwise_forward_plane_3wide(
    float *y, const float *x, const float *w, float bias,
    long H, long W, long P, long Q, long R,
    long strideH, long padTop, long padLeft, long dilationH, long dilationW) {
    const long o[3] = {-padLeft, dilationW - padLeft, 2 * dilationW - padLeft};  // input column q + o[t]
    const int pairs = R == 3 && strideH == 1 && dilationH == 1;
    __m512 wv[3][3];  // a 3×3 kernel's weights, broadcast (the row pairs' path)
    for (int r = 0; pairs && r < 3; r++)
        for (int t = 0; t < 3; t++) wv[r][t] = _mm512_set1_ps(w[r * 3 + t]);
    for (long q0 = 0; q0 < Q; q0 += 64) {
        __mmask16 m[4][3], out[4];
        int full[4];  // every tap's lanes and the output's lanes all inside
        for (int c = 0; c < 4; c++) {
            const long base = q0 + 16 * c;
            for (int t = 0; t < 3; t++) m[c][t] = fovea_lanes(max_l(0, -o[t]), min_l(Q, W - o[t]), base);
            out[c] = fovea_lanes(0, Q, base);
            full[c] = (m[c][0] & m[c][1] & m[c][2] & out[c]) == 0xFFFF;
        }
        long p = 0;
        if (pairs) {
            // Input row k of a pair is kernel row k of the first output row and k − 1 of the second.
            for (; p + 1 < P; p += 2) {
                __m512 a[4], b[4];
                for (int c = 0; c < 4; c++) a[c] = b[c] = _mm512_set1_ps(bias);
#pragma clang loop unroll(full)
                for (int k = 0; k < 4; k++) {
                    const long h = p - padTop + k;
                    if (h < 0 || h >= H) continue;
#pragma clang loop unroll(full)
                    for (int c = 0; c < 4; c++) {
                        const Taps3 v = taps3_load(x + h * W + q0 + 16 * c, o, m[c], full[c]);
                        if (k < 3) a[c] = taps3_add(a[c], wv[k], v, m[c], full[c]);
                        if (k > 0) b[c] = taps3_add(b[c], wv[k - 1], v, m[c], full[c]);
                    }
                }
                float *row = y + p * Q + q0;
                for (int c = 0; c < 4; c++) {
                    _mm512_mask_storeu_ps(row + 16 * c, out[c], a[c]);
                    _mm512_mask_storeu_ps(row + Q + 16 * c, out[c], b[c]);
                }
            }
        }
        for (; p < P; p++) {
            __m512 a[4];
            for (int c = 0; c < 4; c++) a[c] = _mm512_set1_ps(bias);
            for (long r = 0; r < R; r++) {
                const long h = p * strideH - padTop + r * dilationH;
                if (h < 0 || h >= H) continue;
                const __m512 wr[3] = {_mm512_set1_ps(w[r * 3]), _mm512_set1_ps(w[r * 3 + 1]), _mm512_set1_ps(w[r * 3 + 2])};
                for (int c = 0; c < 4; c++)
                    a[c] = taps3_add(a[c], wr, taps3_load(x + h * W + q0 + 16 * c, o, m[c], full[c]), m[c], full[c]);
            }
            float *row = y + p * Q + q0;
            for (int c = 0; c < 4; c++) _mm512_mask_storeu_ps(row + 16 * c, out[c], a[c]);
        }
    }
}

AVX512 void fovea_depthwise_forward_plane_avx512(
    float *y, const float *x, const float *w, float bias,
    long H, long W, long P, long Q, long R, long S,
    long strideH, long padTop, long padLeft, long dilationH, long dilationW) {
    if (S == 3) {
        depthwise_forward_plane_3wide(y, x, w, bias, H, W, P, Q, R, strideH, padTop, padLeft, dilationH, dilationW);
        return;
    }
    __mmask16 masks[FOVEA_DEPTHWISE_MAX_KERNEL_WIDTH][4];
    for (long q0 = 0; q0 < Q; q0 += 64) {
        for (long s = 0; s < S; s++) {
            const long offset = s * dilationW - padLeft;  // input column q + offset
            for (int c = 0; c < 4; c++) masks[s][c] = fovea_lanes(max_l(0, -offset), min_l(Q, W - offset), q0 + 16 * c);
        }
        __mmask16 out[4];
        for (int c = 0; c < 4; c++) out[c] = fovea_lanes(0, Q, q0 + 16 * c);
        for (long p = 0; p < P; p++) {
            __m512 a0 = _mm512_set1_ps(bias), a1 = a0, a2 = a0, a3 = a0;
            for (long r = 0; r < R; r++) {
                const long h = p * strideH - padTop + r * dilationH;
                if (h < 0 || h >= H) continue;
                for (long s = 0; s < S; s++) {
                    const float *in = x + h * W + q0 + s * dilationW - padLeft;
                    const __m512 ws = _mm512_set1_ps(w[r * S + s]);
                    const __mmask16 *m = masks[s];
#define TAP(c) a##c = _mm512_mask_add_ps(a##c, m[c], a##c, _mm512_mul_ps(ws, _mm512_maskz_loadu_ps(m[c], in + 16 * c)));
                    TAP(0) TAP(1) TAP(2) TAP(3)
#undef TAP
                }
            }
            float *row = y + p * Q + q0;
            _mm512_mask_storeu_ps(row, out[0], a0);
            _mm512_mask_storeu_ps(row + 16, out[1], a1);
            _mm512_mask_storeu_ps(row + 32, out[2], a2);
            _mm512_mask_storeu_ps(row + 48, out[3], a3);
        }
    }
}

// The input gradient of a 3×3 depthwise kernel at unit row stride, two rows of dx at a time:
// the four dy rows they read are loaded once (by chunks of taps, `Taps3`), added to the first row
// as kernel row k − 1 and to the second as kernel row k (in kernel-row order, as the general loop
// adds them). Returns the rows done (pairs).
AVX512 static long depthwise_backward_input_row_pairs(
    float *dx, const float *dy, const float *w, long H, long W, long P, long Q, long padTop, long padLeft,
    long dilationW, long j0, const __mmask16 masks[][4], const __mmask16 inside[4], const __mmask16 start[4]) {
    const long o[3] = {padLeft, padLeft - dilationW, padLeft - 2 * dilationW};  // dy column j + o[t]
    __mmask16 m[4][3];
    int full[4];
    for (int c = 0; c < 4; c++) {
        for (int t = 0; t < 3; t++) m[c][t] = masks[t][c];
        full[c] = (m[c][0] & m[c][1] & m[c][2] & inside[c]) == 0xFFFF;
    }
    __m512 wv[3][3];
    for (int r = 0; r < 3; r++)
        for (int t = 0; t < 3; t++) wv[r][t] = _mm512_set1_ps(w[r * 3 + t]);
    long h = 0;
    for (; h + 1 < H; h += 2) {
        float *row = dx + h * W + j0;
        __m512 a[4], b[4];
        for (int c = 0; c < 4; c++) {
            a[c] = _mm512_maskz_loadu_ps(start[c], row + 16 * c);
            b[c] = _mm512_maskz_loadu_ps(start[c], row + W + 16 * c);
        }
#pragma clang loop unroll(full)
        for (int k = 0; k < 4; k++) {
            const long t = h + 1 + padTop - k;  // dy row: kernel row k − 1 of dx row h, k of row h + 1
            if (t < 0 || t >= P) continue;
#pragma clang loop unroll(full)
            for (int c = 0; c < 4; c++) {
                const Taps3 v = taps3_load(dy + t * Q + j0 + 16 * c, o, m[c], full[c]);
                if (k > 0) a[c] = taps3_add(a[c], wv[k - 1], v, m[c], full[c]);
                if (k < 3) b[c] = taps3_add(b[c], wv[k], v, m[c], full[c]);
            }
        }
        for (int c = 0; c < 4; c++) {
            _mm512_mask_storeu_ps(row + 16 * c, inside[c], a[c]);
            _mm512_mask_storeu_ps(row + W + 16 * c, inside[c], b[c]);
        }
    }
    return h;
}

AVX512 void fovea_depthwise_backward_input_plane_avx512(
    float *dx, const float *dy, const float *w, long M, int accumulate,
    long H, long W, long P, long Q, long R, long S,
    long strideH, long padTop, long padLeft, long dilationH, long dilationW) {
    __mmask16 masks[FOVEA_DEPTHWISE_MAX_KERNEL_WIDTH][4];
    for (long j0 = 0; j0 < W; j0 += 64) {
        for (long s = 0; s < S; s++) {
            const long offset = s * dilationW - padLeft;  // input column j = q + offset
            for (int c = 0; c < 4; c++) masks[s][c] = fovea_lanes(max_l(0, offset), min_l(W, Q + offset), j0 + 16 * c);
        }
        __mmask16 inside[4], start[4];  // start: the lanes read back (none when overwriting)
        for (int c = 0; c < 4; c++) inside[c] = fovea_lanes(0, W, j0 + 16 * c);
        for (int c = 0; c < 4; c++) start[c] = accumulate ? inside[c] : 0;
        long h = 0;
        if (M == 1 && R == 3 && S == 3 && strideH == 1 && dilationH == 1)
            h = depthwise_backward_input_row_pairs(dx, dy, w, H, W, P, Q, padTop, padLeft, dilationW, j0, masks, inside, start);
        for (; h < H; h++) {
            float *row = dx + h * W + j0;
            __m512 a0 = _mm512_maskz_loadu_ps(start[0], row), a1 = _mm512_maskz_loadu_ps(start[1], row + 16);
            __m512 a2 = _mm512_maskz_loadu_ps(start[2], row + 32), a3 = _mm512_maskz_loadu_ps(start[3], row + 48);
            for (long m = 0; m < M; m++) {
                const float *dym = dy + m * P * Q, *wm = w + m * R * S;
                for (long r = 0; r < R; r++) {
                    const long t = h + padTop - r * dilationH;
                    if (t < 0 || t % strideH != 0 || t / strideH >= P) continue;
                    for (long s = 0; s < S; s++) {
                        const float *grad = dym + (t / strideH) * Q + j0 - (s * dilationW - padLeft);
                        const __m512 ws = _mm512_set1_ps(wm[r * S + s]);
                        const __mmask16 *k = masks[s];
#define TAP(c) a##c = _mm512_mask_add_ps(a##c, k[c], a##c, _mm512_mul_ps(ws, _mm512_maskz_loadu_ps(k[c], grad + 16 * c)));
                        TAP(0) TAP(1) TAP(2) TAP(3)
#undef TAP
                    }
                }
            }
            _mm512_mask_storeu_ps(row, inside[0], a0);
            _mm512_mask_storeu_ps(row + 16, inside[1], a1);
            _mm512_mask_storeu_ps(row + 32, inside[2], a2);
            _mm512_mask_storeu_ps(row + 48, inside[3], a3);
        }
    }
}

// 3×3 weight gradient with the nine taps' sums held in registers (2 × 16 columns each): every row
// of dy and of the input is read once, not once per tap, so the sums run from L1 instead of
// streaming each channel's images nine times from L2.
#define TAPS3(X, r) X(r, 0) X(r, 1) X(r, 2)
#define TAPS9(X) TAPS3(X, 0) TAPS3(X, 1) TAPS3(X, 2)
AVX512 static void depthwise_backward_weight_3x3(
    float *dw, const float *dy, const float *x, long batch, long dyStride, long xStride,
    long H, long W, long P, long Q, long strideH, long padTop, long padLeft, long dilationH, long dilationW) {
#define DECL(r, s) __m512 acc##r##s##a = _mm512_setzero_ps(), acc##r##s##b = _mm512_setzero_ps();
    TAPS9(DECL)
#undef DECL
    for (long q0 = 0; q0 < Q; q0 += 32) {
        const __mmask16 out0 = fovea_lanes(0, Q, q0), out1 = fovea_lanes(0, Q, q0 + 16);
        // Per kernel column: output lanes whose input column is inside the row.
        const long o0 = -padLeft, o1 = dilationW - padLeft, o2 = 2 * dilationW - padLeft;
        const __mmask16 m0a = fovea_lanes(max_l(0, -o0), min_l(Q, W - o0), q0), m0b = fovea_lanes(max_l(0, -o0), min_l(Q, W - o0), q0 + 16);
        const __mmask16 m1a = fovea_lanes(max_l(0, -o1), min_l(Q, W - o1), q0), m1b = fovea_lanes(max_l(0, -o1), min_l(Q, W - o1), q0 + 16);
        const __mmask16 m2a = fovea_lanes(max_l(0, -o2), min_l(Q, W - o2), q0), m2b = fovea_lanes(max_l(0, -o2), min_l(Q, W - o2), q0 + 16);
        for (long n = 0; n < batch; n++) {
            const float *dyn = dy + n * dyStride, *xn = x + n * xStride;
            long p = 0;
            if (strideH == 1 && dilationH == 1) {
                // Two dy rows at a time: each of the four input rows they meet is loaded once and
                // multiplied into kernel row k for the first dy row and k − 1 for the second (each
                // sum still takes its terms in row order).
                for (; p + 1 < P; p += 2) {
                    const __m512 ga0 = _mm512_maskz_loadu_ps(out0, dyn + p * Q + q0);
                    const __m512 gb0 = _mm512_maskz_loadu_ps(out1, dyn + p * Q + q0 + 16);
                    const __m512 ga1 = _mm512_maskz_loadu_ps(out0, dyn + (p + 1) * Q + q0);
                    const __m512 gb1 = _mm512_maskz_loadu_ps(out1, dyn + (p + 1) * Q + q0 + 16);
#define LOAD(s) const __m512 xa##s = _mm512_maskz_loadu_ps(m##s##a, row + o##s), \
                             xb##s = _mm512_maskz_loadu_ps(m##s##b, row + o##s + 16);
#define FMA(r, s, g) acc##r##s##a = _mm512_fmadd_ps(ga##g, xa##s, acc##r##s##a); \
                     acc##r##s##b = _mm512_fmadd_ps(gb##g, xb##s, acc##r##s##b);
#define FIRST(r) FMA(r, 0, 0) FMA(r, 1, 0) FMA(r, 2, 0)
#define SECOND(r) FMA(r, 0, 1) FMA(r, 1, 1) FMA(r, 2, 1)
#define INPUT_ROW(k, USES) { const long h = p - padTop + (k);                                \
                             if (h >= 0 && h < H) { const float *row = xn + h * W + q0;       \
                                                    LOAD(0) LOAD(1) LOAD(2) USES } }
                    INPUT_ROW(0, FIRST(0))
                    INPUT_ROW(1, FIRST(1) SECOND(0))
                    INPUT_ROW(2, FIRST(2) SECOND(1))
                    INPUT_ROW(3, SECOND(2))
#undef INPUT_ROW
#undef SECOND
#undef FIRST
#undef FMA
#undef LOAD
                }
            }
            for (; p < P; p++) {
                const __m512 ga = _mm512_maskz_loadu_ps(out0, dyn + p * Q + q0);
                const __m512 gb = _mm512_maskz_loadu_ps(out1, dyn + p * Q + q0 + 16);
#define TAP(r, s) acc##r##s##a = _mm512_fmadd_ps(ga, _mm512_maskz_loadu_ps(m##s##a, row + o##s), acc##r##s##a); \
                  acc##r##s##b = _mm512_fmadd_ps(gb, _mm512_maskz_loadu_ps(m##s##b, row + o##s + 16), acc##r##s##b);
#define ROW(r) { const long h = p * strideH - padTop + (r) * dilationH;                      \
                 if (h >= 0 && h < H) { const float *row = xn + h * W + q0; TAPS3(TAP, r) } }
                ROW(0) ROW(1) ROW(2)
#undef ROW
#undef TAP
            }
        }
    }
#define STORE(r, s) dw[(r) * 3 + (s)] += _mm512_reduce_add_ps(_mm512_add_ps(acc##r##s##a, acc##r##s##b));
    TAPS9(STORE)
#undef STORE
}
#undef TAPS9
#undef TAPS3

AVX512 void fovea_depthwise_backward_weight_avx512(
    float *dw, const float *dy, const float *x, long batch, long dyStride, long xStride,
    long H, long W, long P, long Q, long R, long S,
    long strideH, long padTop, long padLeft, long dilationH, long dilationW) {
    if (R == 3 && S == 3) {
        depthwise_backward_weight_3x3(dw, dy, x, batch, dyStride, xStride, H, W, P, Q, strideH, padTop, padLeft,
                                      dilationH, dilationW);
        return;
    }
    for (long r = 0; r < R; r++) {
        for (long s = 0; s < S; s++) {
            const long offset = s * dilationW - padLeft;
            const long qLow = max_l(0, -offset), qHigh = min_l(Q, W - offset);
            __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
            for (long q0 = 0; q0 < Q; q0 += 64) {
                __mmask16 m[4];
                for (int c = 0; c < 4; c++) m[c] = fovea_lanes(qLow, qHigh, q0 + 16 * c);
                for (long n = 0; n < batch; n++) {
                    const float *dyn = dy + n * dyStride, *xn = x + n * xStride;
                    for (long p = 0; p < P; p++) {
                        const long h = p * strideH - padTop + r * dilationH;
                        if (h < 0 || h >= H) continue;
                        const float *grad = dyn + p * Q + q0, *row = xn + h * W + offset + q0;
#define TAP(c) a##c = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m[c], grad + 16 * c), _mm512_maskz_loadu_ps(m[c], row + 16 * c), a##c);
                        TAP(0) TAP(1) TAP(2) TAP(3)
#undef TAP
                    }
                }
            }
            dw[r * S + s] += _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
        }
    }
}

AVX512 void fovea_maxpool_plane_avx512(
    float *y, int32_t *argmax, const float *x,
    long W, long P, long Q, long R, long S, long strideH, long strideW) {
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i even = _mm512_add_epi32(iota, iota);
    const __m512i columnStep = strideW == 1 ? iota : even;
    for (long p = 0; p < P; p++) {
        for (long q0 = 0; q0 < Q; q0 += 16) {
            const long n = min_l(16, Q - q0);
            const __mmask16 out = (__mmask16)((1u << n) - 1u);
            // stride 2: the taps of 16 outputs span 2n − 1 inputs, read as two masked vectors
            const long span = 2 * n - 1;
            const __mmask16 low = (__mmask16)(span >= 16 ? 0xFFFFu : (1u << span) - 1u);
            const __mmask16 high = (__mmask16)(span > 16 ? (1u << (span - 16)) - 1u : 0u);
            __m512 best = _mm512_setzero_ps();
            __m512i bestIndex = _mm512_setzero_si512();
            for (long r = 0; r < R; r++) {
                const long h = p * strideH + r;
                for (long s = 0; s < S; s++) {
                    const long start = h * W + q0 * strideW + s;
                    __m512 v;
                    if (strideW == 1) {
                        v = _mm512_maskz_loadu_ps(out, x + start);
                    } else {
                        const __m512 a = _mm512_maskz_loadu_ps(low, x + start);
                        const __m512 b = _mm512_maskz_loadu_ps(high, x + start + 16);
                        v = _mm512_permutex2var_ps(a, even, b);
                    }
                    const __m512i index = _mm512_add_epi32(_mm512_set1_epi32((int)start), columnStep);
                    if (r == 0 && s == 0) {
                        best = v;
                        bestIndex = index;
                    } else {
                        const __mmask16 wins = _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) | _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
                        best = _mm512_mask_mov_ps(best, wins, v);
                        bestIndex = _mm512_mask_mov_epi32(bestIndex, wins, index);
                    }
                }
            }
            _mm512_mask_storeu_ps(y + p * Q + q0, out, best);
            if (argmax) _mm512_mask_storeu_epi32(argmax + p * Q + q0, out, bestIndex);
        }
    }
}

/// Window column s's taps of one input row for the 16 lanes of an output column block, −∞ outside
/// the row: one masked load (stride 1) or two deinterleaved by a permute (stride 2).
AVX512 static inline __m512 padded_window_taps(const float *row, long s, long strideW, const __mmask16 *low,
                                               const __mmask16 *high, const long *column) {
    const __m512 minusInfinity = _mm512_set1_ps(-__builtin_inff());
    if (strideW == 1) return _mm512_mask_loadu_ps(minusInfinity, low[s], row + column[s]);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512 a = _mm512_mask_loadu_ps(minusInfinity, low[s], row + column[s]);
    const __m512 b = _mm512_mask_loadu_ps(minusInfinity, high[s], row + column[s] + 16);
    return _mm512_permutex2var_ps(a, _mm512_add_epi32(iota, iota), b);
}

/// The maximum over the window columns of one input row, for the 16 lanes of an output column
/// block: taps outside the row load as −∞ (`low`/`high`, as in the full loop); lanes that meet a
/// NaN are added to *nan. `max` keeps the earlier value on ties, as the full loop does.
AVX512 static inline __m512 window_row_max(const float *row, long S, long strideW, const __mmask16 *low,
                                           const __mmask16 *high, const long *column, __mmask16 *nan) {
    __m512 best = _mm512_set1_ps(-__builtin_inff());
    for (long s = 0; s < S; s++) {
        const __m512 v = padded_window_taps(row, s, strideW, low, high, column);
        *nan |= _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q);
        best = _mm512_max_ps(v, best);  // v > best ? v : best
    }
    return best;
}

enum { MAXPOOL_CACHED_ROWS = 8 };

/// One output column block of a padded max pool without argmax (inference), separably: each
/// input row's maximum over the window columns is computed once and kept in a ring of R slots
/// (row h in slot h mod R) for the overlapping windows below, then each output is a chain of
/// `max` over its rows (the full loop compares, masks and blends every tap of every window).
/// Lanes whose taps are all padding come out −∞ there too. `max` drops a NaN, so a block that
/// meets one returns 0 and is redone by the full loop (which keeps NaN); otherwise 1.
AVX512 static int maxpool_values_only(float *y, const float *x, long H, long W, long P, long Q, long R, long S,
                                      long strideH, long strideW, long padTop, __mmask16 out,
                                      const __mmask16 *low, const __mmask16 *high, const long *column) {
    if (R > MAXPOOL_CACHED_ROWS) return 0;
    __m512 rows[MAXPOOL_CACHED_ROWS];
    long cached[MAXPOOL_CACHED_ROWS];
    for (long i = 0; i < R; i++) cached[i] = -1;
    __mmask16 nan = 0;
    for (long p = 0; p < P; p++) {
        __m512 best = _mm512_set1_ps(-__builtin_inff());
        for (long r = 0; r < R; r++) {
            const long h = p * strideH - padTop + r;
            if (h < 0 || h >= H) continue;
            const long slot = h % R;
            if (cached[slot] != h) {
                rows[slot] = window_row_max(x + h * W, S, strideW, low, high, column, &nan);
                cached[slot] = h;
            }
            best = _mm512_max_ps(rows[slot], best);
        }
        _mm512_mask_storeu_ps(y + p * Q, out, best);
    }
    return (nan & out) ? 0 : 1;
}

AVX512 void fovea_maxpool_padded_plane_avx512(
    float *y, int32_t *argmax, const float *x, long H, long W, long P, long Q, long R, long S,
    long strideH, long strideW, long padTop, long padLeft) {
    enum { MAX_WIDTH = 32 };  // window widths the per-column masks are kept for (checked by the caller)
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    const __m512i even = _mm512_add_epi32(iota, iota);
    const __m512i columnStep = strideW == 1 ? iota : even;
    const __m512 minusInfinity = _mm512_set1_ps(-__builtin_inff());
    for (long q0 = 0; q0 < Q; q0 += 16) {
        const long n = min_l(16, Q - q0);
        const __mmask16 out = (__mmask16)((1u << n) - 1u);
        // Per window column s (independent of the output row): the lanes whose tap lies inside the
        // input row, and the masks of the one or two loads that fetch those taps.
        __mmask16 inside[MAX_WIDTH], low[MAX_WIDTH], high[MAX_WIDTH];
        long column[MAX_WIDTH];
        for (long s = 0; s < S; s++) {
            column[s] = q0 * strideW - padLeft + s;  // input column of lane 0 (or span element 0)
            if (strideW == 1) {
                inside[s] = low[s] = fovea_lanes(0, W, column[s]) & out;
                high[s] = 0;
            } else {
                // Lane i reads column + 2i: inside for ⌈−column/2⌉ ≤ i < ⌈(W − column)/2⌉; the
                // 2n − 1 span elements are loaded, those outside the row as −∞.
                const long first = column[s] >= 0 ? 0 : (1 - column[s]) / 2;
                const long end = W - column[s] <= 0 ? 0 : (W - column[s] + 1) / 2;
                const long span = 2 * n - 1;
                inside[s] = fovea_lanes(first, end, 0) & out;
                low[s] = fovea_lanes(0, W, column[s]) & fovea_lanes(0, span, 0);
                high[s] = fovea_lanes(0, W, column[s] + 16) & fovea_lanes(16, span, 16);
            }
        }
        if (!argmax && maxpool_values_only(y + q0, x, H, W, P, Q, R, S, strideH, strideW, padTop, out, low, high, column))
            continue;
        for (long p = 0; p < P; p++) {
            __m512 best = minusInfinity;
            __m512i bestIndex = _mm512_set1_epi32(-1);
            __mmask16 seen = 0;  // lanes that have met a tap inside the input
            for (long r = 0; r < R; r++) {
                const long h = p * strideH - padTop + r;
                if (h < 0 || h >= H) continue;
                const float *row = x + h * W;
                for (long s = 0; s < S; s++) {
                    const __m512 v = padded_window_taps(row, s, strideW, low, high, column);
                    const __mmask16 wins = inside[s] & (~seen | _mm512_cmp_ps_mask(v, best, _CMP_GT_OQ) |
                                                        _mm512_cmp_ps_mask(v, v, _CMP_UNORD_Q));
                    best = _mm512_mask_mov_ps(best, wins, v);
                    if (argmax) {
                        const __m512i index = _mm512_add_epi32(_mm512_set1_epi32((int)(h * W + column[s])), columnStep);
                        bestIndex = _mm512_mask_mov_epi32(bestIndex, wins, index);
                    }
                    seen |= inside[s];
                }
            }
            _mm512_mask_storeu_ps(y + p * Q + q0, out, best);
            if (argmax) _mm512_mask_storeu_epi32(argmax + p * Q + q0, out, bestIndex);
        }
    }
}

// Direct convolution for few-tap layers: 8 output channels × 32 columns (16 accumulators) per
// block; per tap two masked loads of the input row and 8 broadcast weights feed 16 FMAs.
enum { DIRECT_CHANNELS = 8, DIRECT_COLUMNS = 32, DIRECT_MAX_KERNEL_WIDTH = 32, DIRECT_MAX_TAPS = 64 };

AVX512 void fovea_direct_conv_avx512(float *y, const float *x, const float *weights, const float *scale, const float *bias,
                                     long k0, long count, int relu, FoveaDirectConvShape sh) {
    const long C = sh.channels, H = sh.height, W = sh.width, P = sh.outputHeight, Q = sh.outputWidth;
    const long R = sh.kernelHeight, S = sh.kernelWidth, taps = C * R * S;
    // The block's weights tap-major, 8 per tap (zeros past `count`), so each tap's are adjacent.
    float w[DIRECT_MAX_TAPS * DIRECT_CHANNELS];
    for (long t = 0; t < taps; t++)
        for (long k = 0; k < DIRECT_CHANNELS; k++) w[t * DIRECT_CHANNELS + k] = k < count ? weights[(k0 + k) * taps + t] : 0.0f;
    for (long q0 = 0; q0 < Q; q0 += DIRECT_COLUMNS) {
        const __mmask16 out0 = fovea_lanes(0, Q - q0, 0), out1 = fovea_lanes(0, Q - q0, 16);
        // Per kernel column: the lanes whose input column lies inside the row.
        __mmask16 in0[DIRECT_MAX_KERNEL_WIDTH], in1[DIRECT_MAX_KERNEL_WIDTH];
        long column[DIRECT_MAX_KERNEL_WIDTH];
        for (long s = 0; s < S; s++) {
            column[s] = q0 - sh.padLeft + s * sh.dilationWidth;
            in0[s] = out0 & fovea_lanes(0, W, column[s]);
            in1[s] = out1 & fovea_lanes(0, W, column[s] + 16);
        }
        for (long p = 0; p < P; p++) {
            __m512 acc[DIRECT_CHANNELS][2];
            for (int k = 0; k < DIRECT_CHANNELS; k++) acc[k][0] = acc[k][1] = _mm512_setzero_ps();
            for (long c = 0; c < C; c++) {
                for (long r = 0; r < R; r++) {
                    const long h = p - sh.padTop + r * sh.dilationHeight;
                    if (h < 0 || h >= H) continue;
                    const float *row = x + (c * H + h) * W;
                    const float *tap = w + ((c * R + r) * S) * DIRECT_CHANNELS;
                    for (long s = 0; s < S; s++, tap += DIRECT_CHANNELS) {
                        // Masked-off lanes are never read, so the pointer may lie outside the row.
                        const __m512 v0 = _mm512_maskz_loadu_ps(in0[s], row + column[s]);
                        const __m512 v1 = _mm512_maskz_loadu_ps(in1[s], row + column[s] + 16);
                        for (int k = 0; k < DIRECT_CHANNELS; k++) {
                            const __m512 wk = _mm512_set1_ps(tap[k]);
                            acc[k][0] = _mm512_fmadd_ps(wk, v0, acc[k][0]);
                            acc[k][1] = _mm512_fmadd_ps(wk, v1, acc[k][1]);
                        }
                    }
                }
            }
            // Over all 8 channels with a constant bound, so that acc[k] stays in registers (a
            // loop to `count` made the compiler keep acc in memory, reloaded around every row of
            // taps: lenet_c1 forward 0.77 → 0.53 ms).
#pragma clang loop unroll(full)
            for (int k = 0; k < DIRECT_CHANNELS; k++) {
                if (k >= count) continue;
                float *dst = y + ((k0 + k) * P + p) * Q + q0;
                __m512 a = acc[k][0], b = acc[k][1];
                if (scale) { a = _mm512_mul_ps(a, _mm512_set1_ps(scale[k0 + k])); b = _mm512_mul_ps(b, _mm512_set1_ps(scale[k0 + k])); }
                if (bias) { a = _mm512_add_ps(a, _mm512_set1_ps(bias[k0 + k])); b = _mm512_add_ps(b, _mm512_set1_ps(bias[k0 + k])); }
                if (relu) { a = _mm512_max_ps(_mm512_setzero_ps(), a); b = _mm512_max_ps(_mm512_setzero_ps(), b); }
                _mm512_mask_storeu_ps(dst, out0, a);
                _mm512_mask_storeu_ps(dst + 16, out1, b);
            }
        }
    }
}

AVX512 void fovea_direct_weight_gradient_avx512(float *dWeight, float *dBias, const float *dy, const float *x, long batch,
                                                long outputChannels, long k0, long count, float *sums,
                                                FoveaDirectConvShape sh) {
    enum { KB = FOVEA_DIRECT_GRADIENT_CHANNELS, SMAX = FOVEA_DIRECT_GRADIENT_MAX_WIDTH, LANES = (KB * SMAX + KB) * 16 };
    const long C = sh.channels, H = sh.height, W = sh.width, P = sh.outputHeight, Q = sh.outputWidth;
    const long R = sh.kernelHeight, S = sh.kernelWidth < SMAX ? sh.kernelWidth : SMAX, K = outputChannels;
    for (long i = 0; i < C * R * LANES; i++) sums[i] = 0.0f;
    // Image by image, so that its rows of dy stay in L1 for all C·R passes; each pass's sums are
    // loaded from and stored back to `sums`.
    for (long n = 0; n < batch; n++) {
        for (long c = 0; c < C; c++) {
            for (long r = 0; r < R; r++) {
                float *lanes = sums + (c * R + r) * LANES;
                const int withBias = dBias && c == 0 && r == 0;  // the bias sums ride along the first pass
                __m512 acc[KB][SMAX], biasAcc[KB];
                for (int k = 0; k < KB; k++) {
                    biasAcc[k] = _mm512_loadu_ps(lanes + (KB * SMAX + k) * 16);
                    for (int s = 0; s < SMAX; s++) acc[k][s] = _mm512_loadu_ps(lanes + (k * SMAX + s) * 16);
                }
                for (long q0 = 0; q0 < Q; q0 += 16) {
                    // Per output column block: the lanes of each tap's load that lie in the row,
                    // and the channels' lanes (channels past `count` read nothing, add zeros).
                    const __mmask16 out = fovea_lanes(0, Q - q0, 0);
                    __mmask16 taps[SMAX], channel[KB];
                    long column[SMAX];
                    for (long s = 0; s < S; s++) {
                        column[s] = q0 - sh.padLeft + s * sh.dilationWidth;
                        taps[s] = out & fovea_lanes(0, W, column[s]);
                    }
                    for (int k = 0; k < KB; k++) channel[k] = k < count ? out : 0;
                    for (long p = 0; p < P; p++) {
                        const long h = p - sh.padTop + r * sh.dilationHeight;
                        const int inside = h >= 0 && h < H;
                        if (!inside && !withBias) continue;
                        const float *dyRow = dy + ((n * K + k0) * P + p) * Q + q0;
                        const float *xRow = x + ((n * C + c) * H + (inside ? h : 0)) * W;
                        __m512 g[KB];
                        for (int k = 0; k < KB; k++) g[k] = _mm512_maskz_loadu_ps(channel[k], dyRow + k * P * Q);
                        if (withBias)
                            for (int k = 0; k < KB; k++) biasAcc[k] = _mm512_add_ps(biasAcc[k], g[k]);
                        if (!inside) continue;
                        for (long s = 0; s < S; s++) {
                            // Masked-off lanes are never read, so the pointer may lie outside the row.
                            const __m512 v = _mm512_maskz_loadu_ps(taps[s], xRow + column[s]);
                            for (int k = 0; k < KB; k++) acc[k][s] = _mm512_fmadd_ps(g[k], v, acc[k][s]);
                        }
                    }
                }
                for (int k = 0; k < KB; k++) {
                    _mm512_storeu_ps(lanes + (KB * SMAX + k) * 16, biasAcc[k]);
                    for (int s = 0; s < SMAX; s++) _mm512_storeu_ps(lanes + (k * SMAX + s) * 16, acc[k][s]);
                }
            }
        }
    }
    for (long c = 0; c < C; c++)
        for (long r = 0; r < R; r++) {
            const float *lanes = sums + (c * R + r) * LANES;
            for (long k = 0; k < count; k++) {
                float *dw = dWeight + (((k0 + k) * C + c) * R + r) * S;
                for (long s = 0; s < S; s++) dw[s] += _mm512_reduce_add_ps(_mm512_loadu_ps(lanes + (k * SMAX + s) * 16));
                if (dBias && c == 0 && r == 0) dBias[k0 + k] += _mm512_reduce_add_ps(_mm512_loadu_ps(lanes + (KB * SMAX + k) * 16));
            }
        }
}

AVX512 void fovea_col2im_channel_avx512(float *image, const float *columns, long H, long W, long P, long Q, long R, long S,
                                        long padTop, long padLeft, long dilationH, long dilationW) {
    // Pixel-major: each block of 16 pixels is loaded once, gets its terms added in tap order in a
    // register, and is stored once. (Tap-major adds stored a row, then reloaded it one column on
    // for the next tap: every load waited on a store it could not forward from.)
    for (long h = 0; h < H; h++)
        for (long w0 = 0; w0 < W; w0 += 16) {
            const __mmask16 pixels = fovea_lanes(0, W - w0, 0);
            __m512 sum = _mm512_maskz_loadu_ps(pixels, image + h * W + w0);
            for (long r = 0; r < R; r++) {
                const long p = h + padTop - r * dilationH;  // the output row whose tap r reads row h
                if (p < 0 || p >= P) continue;
                for (long s = 0; s < S; s++) {
                    const long q0 = w0 + padLeft - s * dilationW;  // output column of pixel w0
                    const __mmask16 live = pixels & fovea_lanes(-q0, Q - q0, 0);
                    // Masked-off lanes are never read, so the pointer may lie outside the row.
                    const float *src = columns + ((r * S + s) * P + p) * Q + q0;
                    sum = _mm512_mask_add_ps(sum, live, sum, _mm512_maskz_loadu_ps(live, src));
                }
            }
            _mm512_mask_storeu_ps(image + h * W + w0, pixels, sum);
        }
}

#else  // no AVX-512 on this architecture: fovea_direct_avx512_available() is 0, never called

void fovea_depthwise_forward_plane_avx512(float *y, const float *x, const float *w, float bias, long H, long W,
    long P, long Q, long R, long S, long sH, long pT, long pL, long dH, long dW) {}
void fovea_depthwise_backward_input_plane_avx512(float *dx, const float *dy, const float *w, long M, int accumulate, long H, long W,
    long P, long Q, long R, long S, long sH, long pT, long pL, long dH, long dW) {}
void fovea_depthwise_backward_weight_avx512(float *dw, const float *dy, const float *x, long batch, long dyStride,
    long xStride, long H, long W, long P, long Q, long R, long S, long sH, long pT, long pL, long dH, long dW) {}
void fovea_maxpool_plane_avx512(float *y, int32_t *argmax, const float *x, long W, long P, long Q, long R, long S,
    long strideH, long strideW) {}
void fovea_maxpool_padded_plane_avx512(float *y, int32_t *argmax, const float *x, long H, long W, long P, long Q,
    long R, long S, long strideH, long strideW, long padTop, long padLeft) {}
void fovea_direct_conv_avx512(float *y, const float *x, const float *weights, const float *scale, const float *bias,
                              long k0, long count, int relu, FoveaDirectConvShape shape) {}
void fovea_direct_weight_gradient_avx512(float *dWeight, float *dBias, const float *dy, const float *x, long batch,
                                         long outputChannels, long k0, long count, float *sums, FoveaDirectConvShape shape) {}
void fovea_col2im_channel_avx512(float *image, const float *columns, long H, long W, long P, long Q, long R, long S,
                                 long padTop, long padLeft, long dilationH, long dilationW) {}

#endif
