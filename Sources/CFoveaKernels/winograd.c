// Winograd F(2×2, 3×3) input and output transforms (see fovea_winograd.h and
// Conv2DWinograd.swift). The AVX-512 versions take 16 tiles per register (gathers for the input
// patches, scatters for the outputs); the portable versions are plain loops doing the same adds in
// the same order, so both give identical results.
#include "fovea_gemm.h"
#include "fovea_winograd.h"

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
                            const float *bias, int accumulate, long firstTile, long count,
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
                    *dst = accumulate ? *dst + (o[a][c] + b) : o[a][c] + b;
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

/// Lanes 0 ..< n set.
static inline __mmask16 first_lanes(long n) { return n >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << n) - 1u); }

AVX512 static void input_panel_avx512(float *v, long frequencyStride, long nr, const float *xp,
                                      long firstTile, long count, FoveaWinogradShape s) {
    const long plane = s.paddedHeight * s.paddedWidth, W = s.paddedWidth;
    for (long group = 0; group < nr; group += 16) {
        const long live = count - group;
        const __mmask16 mask = live > 0 ? first_lanes(live) : 0;
        int offsets[16] = {0};
        const float *base = xp;
        if (live > 0) {
            const TilePlace first = place(firstTile + group, s);
            base = xp + first.image * s.channels * plane;  // lanes are offsets from the first lane's image
            for (long lane = 0; lane < 16 && lane < live; lane++) {
                const TilePlace p = place(firstTile + group + lane, s);
                offsets[lane] = (int)((p.image - first.image) * s.channels * plane + 2 * p.row * W + 2 * p.column);
            }
        }
        const __m512i index = _mm512_loadu_si512(offsets);
        for (long c = 0; c < s.channels; c++) {
            const float *channel = base + c * plane;
            __m512 d[4][4], t[4][4], w[4][4];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++)
                    d[i][j] = _mm512_mask_i32gather_ps(_mm512_setzero_ps(), mask, index, channel + i * W + j, 4);
            INPUT_ROWS(d, t)
            INPUT_COLUMNS(t, w)
            for (int f = 0; f < 16; f++) _mm512_storeu_ps(v + f * frequencyStride + c * nr + group, w[f / 4][f % 4]);
        }
    }
}

AVX512 static void output_avx512(float *y, const float *products, long frequencyStride, long ldm,
                                 const float *bias, int accumulate, long firstTile, long count,
                                 FoveaWinogradShape s) {
    const long plane = s.outputHeight * s.outputWidth, Q = s.outputWidth;
    for (long group = 0; group < count; group += 16) {
        const long live = count - group;
        const __mmask16 mask = first_lanes(live);
        const TilePlace first = place(firstTile + group, s);
        float *base = y + first.image * s.channels * plane;
        int offsets[16] = {0};
        __mmask16 right = 0, down = 0;
        for (long lane = 0; lane < 16 && lane < live; lane++) {
            const TilePlace p = place(firstTile + group + lane, s);
            offsets[lane] = (int)((p.image - first.image) * s.channels * plane + 2 * p.row * Q + 2 * p.column);
            if (2 * p.column + 1 < Q) right |= (__mmask16)(1u << lane);
            if (2 * p.row + 1 < s.outputHeight) down |= (__mmask16)(1u << lane);
        }
        const __m512i index = _mm512_loadu_si512(offsets);
        const __mmask16 masks[2][2] = {{mask, right}, {down, (__mmask16)(down & right)}};
        const long shifts[2][2] = {{0, 1}, {Q, Q + 1}};
        for (long k = 0; k < s.channels; k++) {
            __m512 m[4][4], t[4][2], o[2][2];
            for (int f = 0; f < 16; f++)
                m[f / 4][f % 4] = _mm512_maskz_loadu_ps(mask, products + f * frequencyStride + k * ldm + group);
            OUTPUT_ROWS(m, t)
            OUTPUT_COLUMNS(t, o)
            const __m512 b = _mm512_set1_ps(bias ? bias[k] : 0.0f);
            float *channel = base + k * plane;
            for (int a = 0; a < 2; a++)
                for (int c = 0; c < 2; c++) {
                    float *at = channel + shifts[a][c];
                    __m512 value = _mm512_add_ps(o[a][c], b);
                    if (accumulate)
                        value = _mm512_add_ps(_mm512_mask_i32gather_ps(_mm512_setzero_ps(), masks[a][c], index, at, 4), value);
                    _mm512_mask_i32scatter_ps(at, masks[a][c], index, value, 4);
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
                           const float *bias, int accumulate, long firstTile, long count,
                           FoveaWinogradShape shape) {
#if defined(__x86_64__)
    if (avx512()) {
        output_avx512(y, products, frequencyStride, ldm, bias, accumulate, firstTile, count, shape);
        return;
    }
#endif
    output_portable(y, products, frequencyStride, ldm, bias, accumulate, firstTile, count, shape);
}
