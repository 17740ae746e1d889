// Winograd F(2×2, 3×3) and F(2×2, 5×5) input and output transforms, and F(2×2, 3×3)'s weight-
// gradient transform (see fovea_winograd.h and Conv2DWinograd.swift). Both have 2×2 output tiles,
// so they differ only in the patch size α (4 or 6) and in the 1-D transforms of
// winograd_transforms.h; the input and output kernels below are one body generic over α, inlined
// with α a constant. The AVX-512 versions take 16 tiles per register, reading and
// writing whole rows (deinterleaving and interleaving the tiles' even and odd columns with
// permutes); the portable versions are plain loops doing the same operations in the same order,
// so both give identical results.
#include "fovea_gemm.h"
#include "fovea_winograd.h"
#include "avx512_lanes.h"
#include "winograd_transforms.h"

#define ALWAYS_INLINE static inline __attribute__((always_inline))

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

/// Offset of tile t's patch in the padded input (or of its first output), and where it lies.
typedef struct { long image, row, column; } TilePlace;

static inline TilePlace place(long t, FoveaWinogradShape s) {
    const long perImage = s.tilesHigh * s.tilesWide, r = t % perImage;
    return (TilePlace){t / perImage, r / s.tilesWide, r % s.tilesWide};
}

#define ADD(a, b) ((a) + (b))
#define SUB(a, b) ((a) - (b))
#define MUL(a, k) ((a) * (k))
#define NEG(a) (0.0f - (a))

/// α of a shape: the side of a tile's input patch.
static inline int patch_size(FoveaWinogradShape s) { return (int)s.kernelSize + 1; }

ALWAYS_INLINE void input_panel_portable_alpha(float *v, long frequencyStride, long nr, const float *xp,
                                              long firstTile, long count, FoveaWinogradShape s, const int alpha) {
    const long plane = s.paddedHeight * s.paddedWidth;
    for (long lane = 0; lane < nr; lane++) {
        if (lane >= count) {
            for (int f = 0; f < alpha * alpha; f++)
                for (long c = 0; c < s.channels; c++) v[f * frequencyStride + c * nr + lane] = 0;
            continue;
        }
        const TilePlace p = place(firstTile + lane, s);
        const float *patch = xp + p.image * s.channels * plane + 2 * p.row * s.paddedWidth + 2 * p.column;
        for (long c = 0; c < s.channels; c++) {
            float d[6][6], t[6][6];
            for (int i = 0; i < alpha; i++) {  // rows, then columns
                for (int j = 0; j < alpha; j++) d[i][j] = patch[c * plane + i * s.paddedWidth + j];
                WINOGRAD_INPUT(alpha, d[i], t[i]);
            }
            for (int j = 0; j < alpha; j++) {
                float column[6], w[6];
                for (int i = 0; i < alpha; i++) column[i] = t[i][j];
                WINOGRAD_INPUT(alpha, column, w);
                for (int i = 0; i < alpha; i++) v[(alpha * i + j) * frequencyStride + c * nr + lane] = w[i];
            }
        }
    }
}

ALWAYS_INLINE void output_portable_alpha(float *y, const float *products, long frequencyStride, long ldm,
                                         const float *scale, const float *bias, int accumulate, int relu,
                                         long firstTile, long count, FoveaWinogradShape s, const int alpha) {
    const long plane = s.outputHeight * s.outputWidth;
    for (long lane = 0; lane < count; lane++) {
        const TilePlace p = place(firstTile + lane, s);
        const long rows = 2 * p.row + 1 < s.outputHeight ? 2 : 1;
        const long columns = 2 * p.column + 1 < s.outputWidth ? 2 : 1;
        float *out = y + p.image * s.channels * plane + 2 * p.row * s.outputWidth + 2 * p.column;
        for (long k = 0; k < s.channels; k++) {
            float m[6], t[6][2], o[2][2];
            for (int i = 0; i < alpha; i++) {  // rows, then columns
                for (int j = 0; j < alpha; j++) m[j] = products[(alpha * i + j) * frequencyStride + k * ldm + lane];
                WINOGRAD_OUTPUT(alpha, m, t[i]);
            }
            for (int j = 0; j < 2; j++) {
                float column[6], pair[2];
                for (int i = 0; i < alpha; i++) column[i] = t[i][j];
                WINOGRAD_OUTPUT(alpha, column, pair);
                o[0][j] = pair[0];
                o[1][j] = pair[1];
            }
            const float b = bias ? bias[k] : 0.0f;
            for (long a = 0; a < rows; a++)
                for (long c = 0; c < columns; c++) {
                    float *dst = out + k * plane + a * s.outputWidth + c;
                    const float x = scale ? o[a][c] * scale[k] + b : o[a][c] + b;
                    const float value = accumulate ? *dst + x : x;
                    *dst = relu && value < 0 ? 0.0f : value;
                }
        }
    }
}

static void gradient_panel_portable(float *d, long frequencyStride, long ld, const float *dy,
                                    long firstTile, long count, FoveaWinogradShape s) {
    const int alpha = 4;
    const long plane = s.outputHeight * s.outputWidth;
    for (long lane = 0; lane < ld; lane++) {
        if (lane >= count) {
            for (int f = 0; f < alpha * alpha; f++)
                for (long k = 0; k < s.channels; k++) d[f * frequencyStride + k * ld + lane] = 0;
            continue;
        }
        const TilePlace p = place(firstTile + lane, s);
        const long rows = 2 * p.row + 1 < s.outputHeight ? 2 : 1;
        const long columns = 2 * p.column + 1 < s.outputWidth ? 2 : 1;
        const float *block = dy + p.image * s.channels * plane + 2 * p.row * s.outputWidth + 2 * p.column;
        for (long k = 0; k < s.channels; k++) {
            float x[2][2] = {{0, 0}, {0, 0}}, t[2][4];
            for (long a = 0; a < rows; a++)
                for (long b = 0; b < columns; b++) x[a][b] = block[k * plane + a * s.outputWidth + b];
            for (int a = 0; a < 2; a++) WINOGRAD_GRADIENT4(x[a], t[a]);  // along rows, then columns
            for (int j = 0; j < alpha; j++) {
                float column[2] = {t[0][j], t[1][j]}, v[4];
                WINOGRAD_GRADIENT4(column, v);
                for (int i = 0; i < alpha; i++) d[(alpha * i + j) * frequencyStride + k * ld + lane] = v[i];
            }
        }
    }
}

static void input_panel_portable(float *v, long frequencyStride, long nr, const float *xp,
                                 long firstTile, long count, FoveaWinogradShape s) {
    if (patch_size(s) == 4) input_panel_portable_alpha(v, frequencyStride, nr, xp, firstTile, count, s, 4);
    else input_panel_portable_alpha(v, frequencyStride, nr, xp, firstTile, count, s, 6);
}

static void output_portable(float *y, const float *products, long frequencyStride, long ldm,
                            const float *scale, const float *bias, int accumulate, int relu, long firstTile, long count,
                            FoveaWinogradShape s) {
    if (patch_size(s) == 4)
        output_portable_alpha(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, s, 4);
    else
        output_portable_alpha(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, s, 6);
}

#undef ADD
#undef SUB
#undef MUL
#undef NEG

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f")))
#define ADD(a, b) _mm512_add_ps(a, b)
#define SUB(a, b) _mm512_sub_ps(a, b)
#define MUL(a, k) _mm512_mul_ps(a, _mm512_set1_ps(k))
#define NEG(a) _mm512_sub_ps(_mm512_setzero_ps(), a)

/// A run of lanes l0 ..< l1 of a 16-tile group that lie in one tile row of one image: lane l
/// reads (or writes) columns 2(l − l0) + … from `offset` (in floats, from the tensor's start).
typedef struct { long l0, l1, offset; } Run;

/// Splits the `live` lanes from tile `first` into runs along tile rows; returns their number.
/// `imageFloats` and `rowFloats` give the offsets of an image and of one tile row (two rows).
static int runs_of(Run runs[16], long first, long live, FoveaWinogradShape s, long imageFloats,
                   long rowFloats) {
    int count = 0;
    for (long l0 = 0; l0 < live;) {
        const TilePlace p = place(first + l0, s);
        long l1 = l0 + (s.tilesWide - p.column);
        if (l1 > live) l1 = live;
        runs[count++] = (Run){l0, l1, p.image * imageFloats + p.row * rowFloats + 2 * (p.column - l0)};
        l0 = l1;
    }
    return count;
}

// Lane l of a pair (a, b) of registers read as 32 elements: element 2l, 2l + 1 (deinterleave),
// and the interleave back: element e of (lo, hi) = lane e/2 of (x0 if e even else x1).
#define EVEN_LANES _mm512_set_epi32(30, 28, 26, 24, 22, 20, 18, 16, 14, 12, 10, 8, 6, 4, 2, 0)
#define ODD_LANES _mm512_set_epi32(31, 29, 27, 25, 23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1)
#define INTERLEAVE_LO _mm512_set_epi32(23, 7, 22, 6, 21, 5, 20, 4, 19, 3, 18, 2, 17, 1, 16, 0)
#define INTERLEAVE_HI _mm512_set_epi32(31, 15, 30, 14, 29, 13, 28, 12, 27, 11, 26, 10, 25, 9, 24, 8)

// Input transform: tile l of a run reads columns 2l … 2l + α − 1 of α padded rows, so each row of
// 16 tiles is α/2 pairs of 16-float loads (from columns 0, 2, 4 on) deinterleaved into even and odd
// columns. Rows of tiles that wrap (small maps) become separate runs, merged by lane masks.
AVX512 ALWAYS_INLINE void input_panel_avx512_alpha(float *v, long frequencyStride, long nr, const float *xp,
                                                   long firstTile, long count, FoveaWinogradShape s, const int alpha) {
    const long plane = s.paddedHeight * s.paddedWidth, W = s.paddedWidth;
    const __m512i even = EVEN_LANES, odd = ODD_LANES;
    for (long group = 0; group < nr; group += 16) {
        const long live = count - group > 16 ? 16 : count - group;
        Run runs[16];
        const int runCount = live > 0 ? runs_of(runs, firstTile + group, live, s, s.channels * plane, 2 * W) : 0;
        __mmask16 laneMask[16], low[16], high[16];
        for (int r = 0; r < runCount; r++) {
            laneMask[r] = fovea_lanes(runs[r].l0, runs[r].l1, 0);
            low[r] = fovea_lanes(2 * runs[r].l0, 2 * runs[r].l1, 0);
            high[r] = fovea_lanes(2 * runs[r].l0, 2 * runs[r].l1, 16);
        }
        for (long c = 0; c < s.channels; c++) {
            __m512 t[6][6];
            for (int i = 0; i < alpha; i++) {  // rows, then columns
                __m512 d[6];
                for (int j = 0; j < alpha; j++) d[j] = _mm512_setzero_ps();
                for (int r = 0; r < runCount; r++) {
                    const float *row = xp + runs[r].offset + c * plane + i * W;
                    for (int j = 0; j < alpha; j += 2) {
                        const __m512 a = _mm512_maskz_loadu_ps(low[r], row + j);
                        const __m512 b = _mm512_maskz_loadu_ps(high[r], row + 16 + j);
                        d[j] = _mm512_mask_mov_ps(d[j], laneMask[r], _mm512_permutex2var_ps(a, even, b));
                        d[j + 1] = _mm512_mask_mov_ps(d[j + 1], laneMask[r], _mm512_permutex2var_ps(a, odd, b));
                    }
                }
                WINOGRAD_INPUT(alpha, d, t[i]);
            }
            for (int j = 0; j < alpha; j++) {
                __m512 column[6], w[6];
                for (int i = 0; i < alpha; i++) column[i] = t[i][j];
                WINOGRAD_INPUT(alpha, column, w);
                for (int i = 0; i < alpha; i++) _mm512_storeu_ps(v + (alpha * i + j) * frequencyStride + c * nr + group, w[i]);
            }
        }
    }
}

// Output transform: the four outputs of 16 tiles are interleaved back into output rows (columns
// 2l, 2l + 1) and written with masked stores, run by run; columns past Q and rows past P dropped.
AVX512 ALWAYS_INLINE void output_avx512_alpha(float *y, const float *products, long frequencyStride, long ldm,
                                              const float *scale, const float *bias, int accumulate, int relu,
                                              long firstTile, long count, FoveaWinogradShape s, const int alpha) {
    const long plane = s.outputHeight * s.outputWidth, Q = s.outputWidth;
    const __m512i lo = INTERLEAVE_LO, hi = INTERLEAVE_HI;
    for (long group = 0; group < count; group += 16) {
        const long live = count - group > 16 ? 16 : count - group;
        const __mmask16 mask = fovea_lanes(0, live, 0);
        Run runs[16];
        const int runCount = runs_of(runs, firstTile + group, live, s, s.channels * plane, 2 * Q);
        __mmask16 low[16], high[16];
        long rowsLive[16];
        for (int r = 0; r < runCount; r++) {
            const TilePlace p = place(firstTile + group + runs[r].l0, s);
            const long end = 2 * runs[r].l1 < Q - 2 * (p.column - runs[r].l0) ? 2 * runs[r].l1 : Q - 2 * (p.column - runs[r].l0);
            low[r] = fovea_lanes(2 * runs[r].l0, end, 0);
            high[r] = fovea_lanes(2 * runs[r].l0, end, 16);
            rowsLive[r] = 2 * p.row + 1 < s.outputHeight ? 2 : 1;
        }
        for (long k = 0; k < s.channels; k++) {
            __m512 t[6][2], o[2][2];
            for (int i = 0; i < alpha; i++) {  // rows, then columns
                __m512 m[6];
                for (int j = 0; j < alpha; j++)
                    m[j] = _mm512_maskz_loadu_ps(mask, products + (alpha * i + j) * frequencyStride + k * ldm + group);
                WINOGRAD_OUTPUT(alpha, m, t[i]);
            }
            for (int j = 0; j < 2; j++) {
                __m512 column[6], pair[2];
                for (int i = 0; i < alpha; i++) column[i] = t[i][j];
                WINOGRAD_OUTPUT(alpha, column, pair);
                o[0][j] = pair[0];
                o[1][j] = pair[1];
            }
            const __m512 b = _mm512_set1_ps(bias ? bias[k] : 0.0f);
            __m512 first[2], second[2];
            for (int a = 0; a < 2; a++) {
                if (scale) {  // a multiply then an add (no FMA), as the portable path rounds
                    const __m512 factor = _mm512_set1_ps(scale[k]);
                    o[a][0] = _mm512_mul_ps(o[a][0], factor);
                    o[a][1] = _mm512_mul_ps(o[a][1], factor);
                }
                const __m512 x0 = _mm512_add_ps(o[a][0], b), x1 = _mm512_add_ps(o[a][1], b);
                first[a] = _mm512_permutex2var_ps(x0, lo, x1);
                second[a] = _mm512_permutex2var_ps(x0, hi, x1);
            }
            for (int r = 0; r < runCount; r++) {
                float *row = y + runs[r].offset + k * plane;
                for (long a = 0; a < rowsLive[r]; a++, row += Q) {
                    __m512 u = first[a], w = second[a];
                    if (accumulate) {
                        u = _mm512_add_ps(_mm512_maskz_loadu_ps(low[r], row), u);
                        w = _mm512_add_ps(_mm512_maskz_loadu_ps(high[r], row + 16), w);
                    }
                    if (relu) {  // max(0, x) keeps NaN and −0, as x < 0 ? 0 : x does
                        u = _mm512_max_ps(_mm512_setzero_ps(), u);
                        w = _mm512_max_ps(_mm512_setzero_ps(), w);
                    }
                    _mm512_mask_storeu_ps(row, low[r], u);
                    _mm512_mask_storeu_ps(row + 16, high[r], w);
                }
            }
        }
    }
}

// Weight-gradient transform: the 2×2 blocks of 16 tiles are read as the output transform writes
// them (two rows of interleaved columns 2l, 2l + 1, deinterleaved with permutes), run by run.
AVX512 static void gradient_panel_avx512(float *d, long frequencyStride, long ld, const float *dy,
                                         long firstTile, long count, FoveaWinogradShape s) {
    const int alpha = 4;
    const long plane = s.outputHeight * s.outputWidth, Q = s.outputWidth;
    const __m512i even = EVEN_LANES, odd = ODD_LANES;
    for (long group = 0; group < ld; group += 16) {
        const long live = count - group > 16 ? 16 : count - group;
        Run runs[16];
        const int runCount = live > 0 ? runs_of(runs, firstTile + group, live, s, s.channels * plane, 2 * Q) : 0;
        __mmask16 laneMask[16], low[16], high[16];
        long rowsLive[16];
        for (int r = 0; r < runCount; r++) {
            const TilePlace p = place(firstTile + group + runs[r].l0, s);
            const long end = 2 * runs[r].l1 < Q - 2 * (p.column - runs[r].l0) ? 2 * runs[r].l1 : Q - 2 * (p.column - runs[r].l0);
            laneMask[r] = fovea_lanes(runs[r].l0, runs[r].l1, 0);
            low[r] = fovea_lanes(2 * runs[r].l0, end, 0);
            high[r] = fovea_lanes(2 * runs[r].l0, end, 16);
            rowsLive[r] = 2 * p.row + 1 < s.outputHeight ? 2 : 1;
        }
        for (long k = 0; k < s.channels; k++) {
            __m512 x[2][2], t[2][4];
            for (int a = 0; a < 2; a++) x[a][0] = x[a][1] = _mm512_setzero_ps();
            for (int r = 0; r < runCount; r++) {
                const float *row = dy + runs[r].offset + k * plane;
                for (long a = 0; a < rowsLive[r]; a++, row += Q) {
                    const __m512 lo = _mm512_maskz_loadu_ps(low[r], row), hi = _mm512_maskz_loadu_ps(high[r], row + 16);
                    x[a][0] = _mm512_mask_mov_ps(x[a][0], laneMask[r], _mm512_permutex2var_ps(lo, even, hi));
                    x[a][1] = _mm512_mask_mov_ps(x[a][1], laneMask[r], _mm512_permutex2var_ps(lo, odd, hi));
                }
            }
            for (int a = 0; a < 2; a++) WINOGRAD_GRADIENT4(x[a], t[a]);  // along rows, then columns
            for (int j = 0; j < alpha; j++) {
                __m512 column[2] = {t[0][j], t[1][j]}, v[4];
                WINOGRAD_GRADIENT4(column, v);
                for (int i = 0; i < alpha; i++) _mm512_storeu_ps(d + (alpha * i + j) * frequencyStride + k * ld + group, v[i]);
            }
        }
    }
}

AVX512 static void input_panel_avx512(float *v, long frequencyStride, long nr, const float *xp,
                                      long firstTile, long count, FoveaWinogradShape s) {
    if (patch_size(s) == 4) input_panel_avx512_alpha(v, frequencyStride, nr, xp, firstTile, count, s, 4);
    else input_panel_avx512_alpha(v, frequencyStride, nr, xp, firstTile, count, s, 6);
}

AVX512 static void output_avx512(float *y, const float *products, long frequencyStride, long ldm,
                                 const float *scale, const float *bias, int accumulate, int relu, long firstTile, long count,
                                 FoveaWinogradShape s) {
    if (patch_size(s) == 4)
        output_avx512_alpha(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, s, 4);
    else
        output_avx512_alpha(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, s, 6);
}

/// CPUID is slow under a hypervisor: ask once (a race only stores the same answer twice).
static int avx512(void) {
    static int known = -1;
    int answer = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (answer < 0) {
        answer = fovea_cpu_supports(FOVEA_ISA_AVX512);
        __atomic_store_n(&known, answer, __ATOMIC_RELAXED);
    }
    return answer;
}
#endif

void fovea_winograd_input_panel(float *v, long frequencyStride, long nr, const float *xp,
                                long firstTile, long count, FoveaWinogradShape shape) {
#if defined(__x86_64__)
    if (shape.vectorized && nr % 16 == 0 && avx512()) {
        input_panel_avx512(v, frequencyStride, nr, xp, firstTile, count, shape);
        return;
    }
#endif
    input_panel_portable(v, frequencyStride, nr, xp, firstTile, count, shape);
}

void fovea_winograd_output(float *y, const float *products, long frequencyStride, long ldm,
                           const float *scale, const float *bias, int accumulate, int relu,
                           long firstTile, long count, FoveaWinogradShape shape) {
#if defined(__x86_64__)
    if (shape.vectorized && avx512()) {
        output_avx512(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, shape);
        return;
    }
#endif
    output_portable(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, shape);
}

void fovea_winograd_gradient_panel(float *d, long frequencyStride, long ld, const float *dy,
                                   long firstTile, long count, FoveaWinogradShape shape) {
#if defined(__x86_64__)
    if (shape.vectorized && ld % 16 == 0 && avx512()) {
        gradient_panel_avx512(d, frequencyStride, ld, dy, firstTile, count, shape);
        return;
    }
#endif
    gradient_panel_portable(d, frequencyStride, ld, dy, firstTile, count, shape);
}
