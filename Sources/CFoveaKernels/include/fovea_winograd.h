// Winograd F(2×2, 3×3) and F(2×2, 5×5) transforms for 3×3 and 5×5 stride-1 convolutions (see
// Conv2DWinograd.swift). Tiles are numbered t = (n·TH + th)·TW + tw over the batch: tile t covers
// outputs (2th … 2th+1, 2tw … 2tw+1) of image n and reads the α×α input patch (α = r + 1: 4 or 6)
// at rows 2th …, columns 2tw … of the zero-padded input (N × C × Hp × Wp). The α² transform
// positions ("frequencies") are numbered f = α·i + j.
#ifndef FOVEA_WINOGRAD_H
#define FOVEA_WINOGRAD_H

#ifdef __cplusplus
extern "C" {
#endif

/// Shape of one Winograd problem, shared by the two transforms.
typedef struct {
    long kernelSize;      // r: 3 for F(2×2, 3×3), 5 for F(2×2, 5×5)
    long channels;        // C for the input transform, K for the output transform
    long tilesHigh, tilesWide;  // TH, TW: tiles per image
    long paddedHeight, paddedWidth;  // Hp = 2·TH + r − 1, Wp = 2·TW + r − 1
    long outputHeight, outputWidth;  // P, Q (≤ 2·TH, 2·TW)
    long vectorized;      // nonzero: AVX-512 transforms where the CPU has them; 0: the portable ones
} FoveaWinogradShape;

/// Input transform of `count` ≤ nr consecutive tiles starting at `firstTile`, written as one
/// packed SGEMM B panel per frequency: `v[f·frequencyStride + c·nr + lane]` = (Bᵀ d B)[f] (f < α²) of
/// channel c of tile firstTile + lane. Lanes count ..< nr are zero. `xp` is the padded input.
void fovea_winograd_input_panel(float *v, long frequencyStride, long nr, const float *xp,
                                long firstTile, long count, FoveaWinogradShape shape);

/// Output transform of `count` consecutive tiles starting at `firstTile`:
/// y[n, k, 2th + a, 2tw + b] (=, or += when `accumulate`) (Aᵀ m A)[a, b]·scale[k] + bias[k], where
/// m[f] = products[f·frequencyStride + k·ldm + t − firstTile]. Outputs past P or Q are dropped.
/// `scale` and `bias` may be NULL (1 and 0); with `relu` each result x is stored as x < 0 ? 0 : x.
void fovea_winograd_output(float *y, const float *products, long frequencyStride, long ldm,
                           const float *scale, const float *bias, int accumulate, int relu,
                           long firstTile, long count, FoveaWinogradShape shape);

/// Weight-gradient transform of `count` consecutive tiles starting at `firstTile`:
/// `d[f·frequencyStride + k·ld + lane]` = (A δ Aᵀ)[f] (f < α²) of channel k's 2×2 block δ of
/// output gradients of tile firstTile + lane, read from `dy` (N × K × P × Q; entries past P or Q
/// read as zero). Lanes count ..< ld are zero. `shape.channels` is K; `shape.kernelSize` must be 3
/// (α = 4: the transform of F(2×2, 3×3)).
void fovea_winograd_gradient_panel(float *d, long frequencyStride, long ld, const float *dy,
                                   long firstTile, long count, FoveaWinogradShape shape);

#ifdef __cplusplus
}
#endif

#endif
