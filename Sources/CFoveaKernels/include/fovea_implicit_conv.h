// Implicit-GEMM convolution, position-major (see Conv2DImplicitGEMM.swift): a panel of up to 16
// consecutive output positions of one image is packed straight from the input as the SGEMM
// micro-kernel's A panel (one copy instead of im2col + packing), multiplied by the packed
// weights, and the positions × channels tile is stored transposed into the NCHW output.
#ifndef FOVEA_IMPLICIT_CONV_H
#define FOVEA_IMPLICIT_CONV_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Geometry of one image's convolution, as the packing sees it.
typedef struct {
    long channels, height, width;          // C, H, W of the input image
    long kernelHeight, kernelWidth;        // R, S
    long strideHeight, strideWidth;
    long dilationHeight, dilationWidth;
    long padTop, padLeft;                  // bottom/right padding is implied by the output size
    long outputWidth;                      // Q (positions are numbered p·Q + q)
} FoveaImplicitConvShape;

/// True when the AVX-512 packing and store below can run (CPU and OS support).
int fovea_implicit_conv_available(void);

/// Packs positions `first ..< first + count` (count ≤ mr ≤ 16) of `image` (C × H × W) as an
/// A panel of depth C·R·S: `panel[d·mr + i]` = input value under kernel tap d = (c·R + r)·S + s
/// for position first + i, 0 in the zero padding and for i ≥ count. `panel` must have room for
/// C·R·S·mr + 16 floats (each step stores 16 lanes).
void fovea_implicit_conv_pack(float *panel, long mr, const float *image, long first, long count,
                              FoveaImplicitConvShape shape);

/// The 14 × 32 micro-kernel reading its A operand straight from a zero-padded image instead of
/// a packed panel: for depth step p, the 14 values are image[offsets[p] + i·stride], i < 14 (14
/// consecutive output positions of one row, `stride` the layer's column stride). Writes the full
/// 14 × 32 tile of positions × channels to `tile` (row-major, leading dimension 32). `b` is a
/// packed B panel (kc × 32). AVX-512 only.
void fovea_sgemm_avx512_14x32_image(long kc, const float *image, long stride, const int32_t *offsets, const float *b,
                                    float *tile);

/// Deals `count` ≤ 16 positions of a pack made with mr = 16 (`depth` taps × 16 positions) out to
/// SGEMM B panels of `nr` taps (a multiple of 16) and depth `kb`, for the weight gradient:
/// panels[(t / nr)·nr·kb + (p + i)·nr + t % nr] = pack[t·16 + i] for i < count and every tap t
/// below `depth` rounded up to nr (0 past `depth`).
void fovea_implicit_conv_transpose(float *panels, long nr, long kb, long p, const float *pack, long depth,
                                   long count);

/// Packs `rows` ≤ 16 rows of a row-major matrix (leading dimension `lda`), columns 0 ..< kb,
/// column by column: dst[p·ldd + i] = a[i·lda + p] for i < width (≤ 16; 0 for i ≥ rows) —
/// an SGEMM panel of op(A) = A, or of op(B) = Bᵀ, through 16 × 16 transposes in registers.
/// Writes exactly `width` floats per column. AVX-512 only.
void fovea_pack_transposed_avx512(float *dst, long ldd, long width, const float *a, long lda, long rows, long kb);

/// Stores the `rows` × `cols` corner (rows ≤ 16) of a row-major positions × channels tile with
/// leading dimension `ldt` into channel-major output:
/// y[j·ldy + i] (=, or += when `accumulate`) tile[i·ldt + j]·scale[j] + bias[j]. `scale` and `bias`
/// may be NULL (1 and 0); with `relu` each result x is stored as x < 0 ? 0 : x.
void fovea_implicit_conv_store(float *y, long ldy, const float *tile, long ldt, long rows, long cols,
                               const float *scale, const float *bias, int accumulate, int relu);

#ifdef __cplusplus
}
#endif

#endif
