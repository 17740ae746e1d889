// Winograd F(2×2, 3×3) input and output transforms (see fovea_winograd.h and
// Conv2DWinograd.swift). The AVX-512 versions take 16 tiles per register, reading and writing
// whole rows (deinterleaving and interleaving the tiles' even and odd columns with permutes); the
// portable versions are plain loops doing the same adds in the same order, so both give identical
// results.
#include "fovea_gemm.h"
#include "fovea_winograd.h"
#include "avx512_lanes.h"

#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// Bᵀ d B of a 4×4 patch, rows first then columns: Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1].
#define INPUT_ROWS(d, t) for (int i = 0; i < 4; i++) { \
        t[i][0] = SUB(d[i][0], d[i][2]); t[i][1] = ADD(d[i][1], d[i][2]); \
        t[i][2] = SUB(d[i][2], d[i][1]); t[i][3] = SUB(d[i][1], d[i][3]); }
#define INPUT_COLUMNS(t, v) for (int j = 0; j < 4; j++) { \
        v[0][j] = SUB(t[0][j], t[2][j]); v[1][j] = ADD(t[1][j], t[2][j]); \
        v[2][j] = SUB(t[2][j], t[1][j]); v[3][j] = SUB(t[1][j], t[3][j]); }
// Aᵀ m A with Aᵀ = [1 1 1 0; 0 1 −1 −1].
#define OUTPUT_ROWS(m, s) for (int i = 0; i < 4; i++) { \
        s[i][0] = ADD(ADD(m[i][0], m[i][1]), m[i][2]); s[i][1] = SUB(SUB(m[i][1], m[i][2]), m[i][3]); }
#define OUTPUT_COLUMNS(s, o) for (int j = 0; j < 2; j++) { \
        o[0][j] = ADD(ADD(s[0][j], s[1][j]), s[2][j]); o[1][j] = SUB(SUB(s[1][j], s[2][j]), s[3][j]); }

/// Offset of tile t's patch in the padded input (or of its first output), and where it lies.
typedef struct { long image, row, column; } TilePlace;

static inline TilePlace place(long t, FoveaWinogradShape s) {
    const long perImage = s.tilesHigh * s.tilesWide, r = t % perImage;
    return (TilePlace){t / perImage, r / s.tilesWide, r % s.tilesWide};
}

#define ADD(a, b) ((a) + (b))
#define SUB(a, b) ((a) - (b))

static void input_panel_portable(float *v, long frequencyStride, long nr, const float *xp,
                                 long firstTile, long count, FoveaWinogradShape s) {
    const long plane = s.paddedHeight * s.paddedWidth;
    for (long lane = 0; lane < nr; lane++) {
        if (lane >= count) {
            for (int f = 0; f < 16; f++)
                for (long c = 0; c < s.channels; c++) v[f * frequencyStride + c * nr + lane] = 0;
            continue;
        }
        const TilePlace p = place(firstTile + lane, s);
        const float *patch = xp + p.image * s.channels * plane + 2 * p.row * s.paddedWidth + 2 * p.column;
        for (long c = 0; c < s.channels; c++) {
            float d[4][4], t[4][4], w[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) d[i][j] = patch[c * plane + i * s.paddedWidth + j];
            INPUT_ROWS(d, t)
            INPUT_COLUMNS(t, w)
            for (int f = 0; f < 16; f++) v[f * frequencyStride + c * nr + lane] = w[f / 4][f % 4];
        }
    }
}

static void output_portable(float *y, const float *products, long frequencyStride, long ldm,
                            const float *scale, const float *bias, int accumulate, int relu, long firstTile, long count,
                            FoveaWinogradShape s) {
    const long plane = s.outputHeight * s.outputWidth;
    for (long lane = 0; lane < count; lane++) {
        const TilePlace p = place(firstTile + lane, s);
        const long rows = 2 * p.row + 1 < s.outputHeight ? 2 : 1;
        const long columns = 2 * p.column + 1 < s.outputWidth ? 2 : 1;
        float *out = y + p.image * s.channels * plane + 2 * p.row * s.outputWidth + 2 * p.column;
        for (long k = 0; k < s.channels; k++) {
            float m[4][4], t[4][2], o[2][2];
            for (int f = 0; f < 16; f++) m[f / 4][f % 4] = products[f * frequencyStride + k * ldm + lane];
            OUTPUT_ROWS(m, t)
            OUTPUT_COLUMNS(t, o)
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

#undef ADD
#undef SUB

#if defined(__x86_64__)
#include <immintrin.h>
#define AVX512 __attribute__((target("avx512f")))
#define ADD(a, b) _mm512_add_ps(a, b)
#define SUB(a, b) _mm512_sub_ps(a, b)

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

// Input transform: tile l of a run reads columns 2l … 2l + 3 of four padded rows, so each row of
// 16 tiles is two 16-float loads deinterleaved into even and odd columns, and the same two loads
// two columns on. Rows of tiles that wrap (small maps) become separate runs, merged by lane masks.
AVX512 static void input_panel_avx512(float *v, long frequencyStride, long nr, const float *xp,
                                      long firstTile, long count, FoveaWinogradShape s) {
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
            __m512 d[4][4], t[4][4], w[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) d[i][j] = _mm512_setzero_ps();
            for (int r = 0; r < runCount; r++) {
                const float *row = xp + runs[r].offset + c * plane;
                for (int i = 0; i < 4; i++, row += W) {
                    const __m512 a = _mm512_maskz_loadu_ps(low[r], row), b = _mm512_maskz_loadu_ps(high[r], row + 16);
                    const __m512 a2 = _mm512_maskz_loadu_ps(low[r], row + 2), b2 = _mm512_maskz_loadu_ps(high[r], row + 18);
                    d[i][0] = _mm512_mask_mov_ps(d[i][0], laneMask[r], _mm512_permutex2var_ps(a, even, b));
                    d[i][1] = _mm512_mask_mov_ps(d[i][1], laneMask[r], _mm512_permutex2var_ps(a, odd, b));
                    d[i][2] = _mm512_mask_mov_ps(d[i][2], laneMask[r], _mm512_permutex2var_ps(a2, even, b2));
                    d[i][3] = _mm512_mask_mov_ps(d[i][3], laneMask[r], _mm512_permutex2var_ps(a2, odd, b2));
                }
            }
            INPUT_ROWS(d, t)
            INPUT_COLUMNS(t, w)
            for (int f = 0; f < 16; f++) _mm512_storeu_ps(v + f * frequencyStride + c * nr + group, w[f / 4][f % 4]);
        }
    }
}

// Output transform: the four outputs of 16 tiles are interleaved back into output rows (columns
// 2l, 2l + 1) and written with masked stores, run by run; columns past Q and rows past P dropped.
AVX512 static void output_avx512(float *y, const float *products, long frequencyStride, long ldm,
                                 const float *scale, const float *bias, int accumulate, int relu, long firstTile, long count,
                                 FoveaWinogradShape s) {
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
            __m512 m[4][4], t[4][2], o[2][2];
            for (int f = 0; f < 16; f++)
                m[f / 4][f % 4] = _mm512_maskz_loadu_ps(mask, products + f * frequencyStride + k * ldm + group);
            OUTPUT_ROWS(m, t)
            OUTPUT_COLUMNS(t, o)
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
    if (nr % 16 == 0 && avx512()) {
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
    if (avx512()) {
        output_avx512(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, shape);
        return;
    }
#endif
    output_portable(y, products, frequencyStride, ldm, scale, bias, accumulate, relu, firstTile, count, shape);
}
