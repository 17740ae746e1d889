// Direct (non-GEMM) AVX-512 kernels: depthwise convolution rows and max pooling rows.
// N batch, C channels, H×W input, R×S window/kernel, P×Q output; one call handles one plane.
//
// Compiled with __attribute__((target("avx512f"))) and called only when
// fovea_direct_avx512_available() says so; the portable versions are the Swift loops in
// Conv2DDepthwise.swift and Pooling.swift. Every sum and every max is taken in the same order as
// those loops (no FMA contraction in the forward and input-gradient kernels), so the results match.
#ifndef FOVEA_DIRECT_H
#define FOVEA_DIRECT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// 1 when this CPU and OS support the AVX-512 direct kernels below.
int fovea_direct_avx512_available(void);

/// The widest kernel (S) the depthwise kernels below accept.
#define FOVEA_DEPTHWISE_MAX_KERNEL_WIDTH 64

/// One depthwise output plane, column stride 1: `y = bias + Σ_{r,s} w[r·S+s] · x` shifted, taps
/// in (r, s) order, taps outside the input skipped. `y` is P×Q, `x` is H×W.
void fovea_depthwise_forward_plane_avx512(
    float *y, const float *x, const float *w, float bias,
    long H, long W, long P, long Q, long R, long S,
    long strideH, long padTop, long padLeft, long dilationH, long dilationW);

/// One depthwise input-gradient plane, column stride 1: `dx += Σ_m Σ_{r,s} w_m[r,s] · dy_m`
/// shifted back, for the M output planes `dy + m·P·Q` of this input channel with weights
/// `w + m·R·S`; per element the order is (m, r, s). Accumulates into `dx` (H×W) when
/// `accumulate` is nonzero; otherwise overwrites it without reading it (the sums start at 0).
void fovea_depthwise_backward_input_plane_avx512(
    float *dx, const float *dy, const float *w, long M, int accumulate,
    long H, long W, long P, long Q, long R, long S,
    long strideH, long padTop, long padLeft, long dilationH, long dilationW);

/// Depthwise weight gradient of one output channel, column stride 1:
/// `dw[r·S+s] += Σ_n Σ_{p,q} dy_n[p,q] · x_n[h, q + s·dilationW − padLeft]` over `batch` images,
/// image n's planes at `dy + n·dyStride` and `x + n·xStride`.
void fovea_depthwise_backward_weight_avx512(
    float *dw, const float *dy, const float *x, long batch, long dyStride, long xStride,
    long H, long W, long P, long Q, long R, long S,
    long strideH, long padTop, long padLeft, long dilationH, long dilationW);

/// One max-pooling plane without padding or dilation, every window inside the input, column
/// stride 1 or 2: the first tap starts the maximum, a later tap replaces it when greater or NaN
/// (row-major tap order, as the naive twin). `argmax` (may be NULL) receives `h·W + w`.
void fovea_maxpool_plane_avx512(
    float *y, int32_t *argmax, const float *x,
    long W, long P, long Q, long R, long S, long strideH, long strideW);

/// One max-pooling plane with padding (or ceil-mode windows that run past the input), no
/// dilation, column stride 1 or 2, windows at most 32 wide: taps outside the H × W input are skipped, the first tap inside
/// starts the maximum and a later one replaces it when greater or NaN (as the naive twin). A
/// window with no tap inside gives −∞ and argmax −1. `argmax` (may be NULL) receives `h·W + w`.
void fovea_maxpool_padded_plane_avx512(
    float *y, int32_t *argmax, const float *x, long H, long W, long P, long Q, long R, long S,
    long strideH, long strideW, long padTop, long padLeft);

/// Shape of one image's direct convolution (stride 1, one group).
typedef struct {
    long channels, height, width;      // C, H, W
    long outputHeight, outputWidth;    // P, Q
    long kernelHeight, kernelWidth;    // R, S (S ≤ 32)
    long padTop, padLeft, dilationHeight, dilationWidth;
} FoveaDirectConvShape;

/// Direct convolution of one image for output channels k0 ..< k0 + count (count ≤ 8), for layers
/// with few taps (a first layer's C·R·S ≤ 64): 32 output columns × 8 channels held in registers
/// while every tap is added, tap by tap in (c, r, s) order, taps in the padding skipped.
/// y[k][p][q] = (Σ w[k][c][r][s]·x[c][p − padTop + r·dH][q − padLeft + s·dW])·scale[k] + bias[k],
/// then `x < 0 ? 0 : x` when `relu`; `scale` and `bias` may be NULL. `weights` is [K][C][R][S]
/// (rows k0 … read), `y` the image's [K][P][Q] output.
void fovea_direct_conv_avx512(float *y, const float *x, const float *weights, const float *scale, const float *bias,
                              long k0, long count, int relu, FoveaDirectConvShape shape);

/// col2im of one channel of a unit-stride layer: image[h][w] += columns[(r·S + s)·P·Q + p·Q + q]
/// for every tap (r, s) and output position (p, q) with h = p − padTop + r·dH, w = q − padLeft + s·dW
/// inside the image, 16 pixels per register. Each pixel receives its terms in tap order, as from
/// the scalar loop (bit-identical results).
void fovea_col2im_channel_avx512(float *image, const float *columns, long H, long W, long P, long Q, long R, long S,
                                 long padTop, long padLeft, long dilationH, long dilationW);

/// Most output channels per call of fovea_direct_weight_gradient_avx512, and its widest kernel.
enum { FOVEA_DIRECT_GRADIENT_CHANNELS = 4, FOVEA_DIRECT_GRADIENT_MAX_WIDTH = 5,
       FOVEA_DIRECT_GRADIENT_SUM_FLOATS = (4 * 5 + 4) * 16 };

/// Weight gradient of a few-tap layer by the same direct walk, for output channels k0 ..< k0 +
/// count (count ≤ FOVEA_DIRECT_GRADIENT_CHANNELS, kernel width ≤ FOVEA_DIRECT_GRADIENT_MAX_WIDTH,
/// unit stride): dWeight[k][c][r][s] += Σ over the batch's n, p, q of dy[n][k][p][q] ·
/// x[n][c][p − padTop + r·dH][q − padLeft + s·dW], and dBias[k] += Σ dy[n][k][p][q] when dBias is
/// not NULL. Image by image and for each (c, r), the count × S sums are kept in 16-lane registers
/// over 16 output columns at a time (the dy rows loaded once for all S taps), parked in `sums`
/// (C·R·FOVEA_DIRECT_GRADIENT_SUM_FLOATS floats) between images, and added up lane by lane at the
/// end: a channel's sums do not depend on how the channels are split into calls.
void fovea_direct_weight_gradient_avx512(float *dWeight, float *dBias, const float *dy, const float *x, long batch,
                                         long outputChannels, long k0, long count, float *sums,
                                         FoveaDirectConvShape shape);

#ifdef __cplusplus
}
#endif

#endif
