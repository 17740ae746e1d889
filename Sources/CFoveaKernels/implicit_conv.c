// Implicit-GEMM convolution: packing A panels straight from the image, and the transposed store.
// See fovea_implicit_conv.h and Conv2DImplicitGEMM.swift.
#include "fovea_implicit_conv.h"
#include "fovea_gemm.h"

int fovea_implicit_conv_available(void) { return fovea_cpu_supports(FOVEA_ISA_AVX512); }

#if defined(__x86_64__)
#include <immintrin.h>
#include "avx512_lanes.h"

#define AVX512 __attribute__((target("avx512f")))

/// Kernel rows and columns the packing precomputes offsets for; Conv2DImplicitGEMM.swift routes
/// larger kernels elsewhere.
enum { MAX_TAPS = 32 };

/// ⌈a / d⌉ for d > 0 and any sign of a.
static inline long ceil_div(long a, long d) { return a >= 0 ? (a + d - 1) / d : -((-a) / d); }

/// A run of lanes whose positions lie on one output row, so that for a fixed kernel tap they read
/// one input row at evenly spaced columns.
typedef struct { long lane0, lanes, oh, ow; } Segment;

AVX512 void fovea_implicit_conv_pack(float *panel, long mr, const float *image, long first, long count,
                                     FoveaImplicitConvShape sh) {
    const long Q = sh.outputWidth, H = sh.height, W = sh.width, R = sh.kernelHeight, S = sh.kernelWidth;
    const long sw = sh.strideWidth;
    Segment seg[16];
    long segments = 0;
    for (long lane = 0, p = first; lane < count;) {
        const long oh = p / Q, ow = p % Q;
        long n = Q - ow;
        if (n > count - lane) n = count - lane;
        seg[segments++] = (Segment){lane, n, oh, ow};
        lane += n;
        p += n;
    }
    // Per segment: for kernel row r the offset of its input row (−1 in the padding); for kernel
    // column s the lanes that land inside that row and the offset `off` such that lane l reads
    // column off + l·sw. These depend on neither the channel nor each other, so they are computed
    // once per panel instead of once per tap.
    long rowOffset[16][MAX_TAPS], columnOffset[16][MAX_TAPS];
    __mmask16 columnMask[16][MAX_TAPS];
    for (long i = 0; i < segments; i++) {
        const Segment g = seg[i];
        for (long r = 0; r < R; r++) {
            const long ih = g.oh * sh.strideHeight - sh.padTop + r * sh.dilationHeight;
            rowOffset[i][r] = ih >= 0 && ih < H ? ih * W : -1;
        }
        for (long s = 0; s < S; s++) {
            const long off = g.ow * sw - sh.padLeft + s * sh.dilationWidth - g.lane0 * sw;
            columnOffset[i][s] = off;
            columnMask[i][s] = fovea_lanes(g.lane0, g.lane0 + g.lanes, 0) &
                               fovea_lanes(ceil_div(-off, sw), ceil_div(W - off, sw), 0);
        }
    }
    const __m512i strided = _mm512_mullo_epi32(
        _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0), _mm512_set1_epi32((int)sw));
    // A strided panel whose taps of one kernel row span at most 64 input columns in each of its
    // (at most two) output rows (AlexNet's 11×11 stride 4: 13·4 + 11 = 63) is cut out of four
    // loaded vectors per row by permutes instead of one gather per tap (the gathers of the
    // panels that cross a row took 58 % of the packing on AlexNet's first layer).
    enum { WINDOW_SEGMENTS = 2 };
    int window = segments <= WINDOW_SEGMENTS && sw > 1 && sh.dilationWidth == 1;
    long windowStart[WINDOW_SEGMENTS];
    __m512i windowIndex[WINDOW_SEGMENTS];  // lane l of segment i reads window element index + s
    __mmask16 segmentLanes[WINDOW_SEGMENTS];
    for (long i = 0; window && i < segments; i++) {
        window = (seg[i].lanes - 1) * sw + S <= 64;
        windowStart[i] = seg[i].ow * sw - sh.padLeft;
        windowIndex[i] = _mm512_sub_epi32(strided, _mm512_set1_epi32((int)(seg[i].lane0 * sw)));
        segmentLanes[i] = fovea_lanes(seg[i].lane0, seg[i].lane0 + seg[i].lanes, 0);
    }
    for (long c = 0; c < sh.channels; c++) {
        const float *plane = image + c * H * W;
        for (long r = 0; r < R; r++) {
            if (window) {
                __m512 part[WINDOW_SEGMENTS][4];  // per segment, columns windowStart … + 63, 0 outside the row
                for (long i = 0; i < segments; i++) {
                    const float *row = plane + (rowOffset[i][r] < 0 ? 0 : rowOffset[i][r]) + windowStart[i];
                    for (int j = 0; j < 4; j++)
                        part[i][j] = rowOffset[i][r] < 0 ? _mm512_setzero_ps()
                                                         : _mm512_maskz_loadu_ps(fovea_lanes(0, W, windowStart[i] + 16 * j), row + 16 * j);
                }
                for (long s = 0; s < S; s++, panel += mr) {
                    __m512 v = _mm512_setzero_ps();
                    for (long i = 0; i < segments; i++) {
                        const __m512i index = _mm512_add_epi32(windowIndex[i], _mm512_set1_epi32((int)s));
                        const __m512 low = _mm512_permutex2var_ps(part[i][0], index, part[i][1]);
                        const __m512 high = _mm512_permutex2var_ps(part[i][2], index, part[i][3]);
                        const __mmask16 upper = _mm512_cmpge_epi32_mask(index, _mm512_set1_epi32(32));
                        v = _mm512_mask_mov_ps(v, segmentLanes[i], _mm512_mask_mov_ps(low, upper, high));
                    }
                    _mm512_storeu_ps(panel, v);
                }
                continue;
            }
            if (segments == 1 && sw == 1) {
                // The common case (a panel inside one output row, unit stride): one masked load
                // per tap, or a row of zeros in the padding.
                if (rowOffset[0][r] < 0) {
                    for (long s = 0; s < S; s++, panel += mr) _mm512_storeu_ps(panel, _mm512_setzero_ps());
                    continue;
                }
                const float *row = plane + rowOffset[0][r];
                for (long s = 0; s < S; s++, panel += mr)
                    _mm512_storeu_ps(panel, _mm512_maskz_loadu_ps(columnMask[0][s], row + columnOffset[0][s]));
                continue;
            }
            for (long s = 0; s < S; s++) {
                __m512 v = _mm512_setzero_ps();
                for (long i = 0; i < segments; i++) {
                    const __mmask16 m = columnMask[i][s];
                    if (rowOffset[i][r] < 0 || m == 0) continue;
                    // Masked-off lanes are never read, so `base` may point outside the row.
                    const float *base = plane + rowOffset[i][r] + columnOffset[i][s];
                    v = sw == 1 ? _mm512_mask_loadu_ps(v, m, base)
                                : _mm512_mask_i32gather_ps(v, m, strided, base, 4);
                }
                _mm512_storeu_ps(panel, v);  // lanes ≥ mr are overwritten by the next step
                panel += mr;
            }
        }
    }
}

/// Transposes a 16 × 16 block held as 16 row vectors, in place.
AVX512 static inline void transpose16(__m512 r[16]) {
    __m512 t[16], u[16];
    for (int i = 0; i < 8; i++) {
        t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
        t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
    }
    // In each 128-bit lane L of u[4i + j]: column 4L + j of rows 4i … 4i + 3.
    for (int i = 0; i < 4; i++) {
        const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
        const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
        u[4 * i + 0] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
        u[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
        u[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
        u[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
    }
    // Gather the 128-bit lanes: column 4L + j is lane L of u[j], u[4 + j], u[8 + j], u[12 + j].
    for (int j = 0; j < 4; j++) {
        const __m512 even0 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0x88), odd0 = _mm512_shuffle_f32x4(u[j], u[4 + j], 0xdd);
        const __m512 even1 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0x88), odd1 = _mm512_shuffle_f32x4(u[8 + j], u[12 + j], 0xdd);
        r[j] = _mm512_shuffle_f32x4(even0, even1, 0x88);
        r[4 + j] = _mm512_shuffle_f32x4(odd0, odd1, 0x88);
        r[8 + j] = _mm512_shuffle_f32x4(even0, even1, 0xdd);
        r[12 + j] = _mm512_shuffle_f32x4(odd0, odd1, 0xdd);
    }
}

AVX512 void fovea_implicit_conv_transpose(float *panels, long nr, long kb, long p, const float *pack, long depth,
                                          long count) {
    const long taps = (depth + nr - 1) / nr * nr;
    for (long t0 = 0; t0 < taps; t0 += 16) {
        __m512 r[16];
        for (long j = 0; j < 16; j++) r[j] = t0 + j < depth ? _mm512_loadu_ps(pack + (t0 + j) * 16) : _mm512_setzero_ps();
        transpose16(r);
        float *dst = panels + t0 / nr * nr * kb + t0 % nr + p * nr;
        for (long i = 0; i < count; i++) _mm512_storeu_ps(dst + i * nr, r[i]);
    }
}

AVX512 void fovea_pack_transposed_avx512(float *dst, long ldd, long width, const float *a, long lda, long rows, long kb) {
    const __mmask16 store = fovea_lanes(0, width, 0);
    for (long p0 = 0; p0 < kb; p0 += 16) {
        const long n = kb - p0 < 16 ? kb - p0 : 16;
        const __mmask16 columns = fovea_lanes(0, n, 0);
        __m512 r[16];
        for (long i = 0; i < 16; i++) r[i] = i < rows ? _mm512_maskz_loadu_ps(columns, a + i * lda + p0) : _mm512_setzero_ps();
        transpose16(r);
        for (long j = 0; j < n; j++) _mm512_mask_storeu_ps(dst + (p0 + j) * ldd, store, r[j]);
    }
}

AVX512 void fovea_implicit_conv_store(float *y, long ldy, const float *tile, long ldt, long rows, long cols,
                                      const float *scale, const float *bias, int accumulate, int relu) {
    const __mmask16 rowMask = fovea_lanes(0, rows, 0);
    for (long j0 = 0; j0 < cols; j0 += 16) {
        const long n = cols - j0 < 16 ? cols - j0 : 16;
        const __mmask16 columnMask = fovea_lanes(0, n, 0);
        __m512 r[16];
        for (long i = 0; i < 16; i++)
            r[i] = i < rows ? _mm512_maskz_loadu_ps(columnMask, tile + i * ldt + j0) : _mm512_setzero_ps();
        transpose16(r);
        for (long j = 0; j < n; j++) {
            float *dst = y + (j0 + j) * ldy;
            __m512 v = r[j];
            if (scale) v = _mm512_mul_ps(v, _mm512_set1_ps(scale[j0 + j]));
            if (bias) v = _mm512_add_ps(v, _mm512_set1_ps(bias[j0 + j]));
            if (accumulate) v = _mm512_add_ps(_mm512_maskz_loadu_ps(rowMask, dst), v);
            if (relu) v = _mm512_max_ps(_mm512_setzero_ps(), v);  // keeps NaN and −0, as x < 0 ? 0 : x
            _mm512_mask_storeu_ps(dst, rowMask, v);
        }
    }
}

#else  // no AVX-512 on this architecture: fovea_implicit_conv_available() is 0, never called

void fovea_implicit_conv_pack(float *panel, long mr, const float *image, long first, long count,
                              FoveaImplicitConvShape shape) {}
void fovea_implicit_conv_transpose(float *panels, long nr, long kb, long p, const float *pack, long depth,
                                   long count) {}
void fovea_implicit_conv_store(float *y, long ldy, const float *tile, long ldt, long rows, long cols,
                               const float *scale, const float *bias, int accumulate, int relu) {}
void fovea_pack_transposed_avx512(float *dst, long ldd, long width, const float *a, long lda, long rows, long kb) {}

#endif
