// Winograd F(2×2, 3×3) transforms for 3×3, stride-1 convolutions (see Conv2DWinograd.swift).
// Tiles are numbered t = (n·TH + th)·TW + tw over the batch: tile t covers outputs
// (2th … 2th+1, 2tw … 2tw+1) of image n and reads the 4×4 input patch at rows 2th …, columns
// 2tw … of the zero-padded input (N × C × Hp × Wp). The 16 transform positions ("frequencies")
// are numbered f = 4i + j.
#ifndef FOVEA_WINOGRAD_H
#define FOVEA_WINOGRAD_H

#ifdef __cplusplus
extern "C" {
#endif

/// Shape of one Winograd problem, shared by the two transforms.
typedef struct {
    long channels;        // C for the input transform, K for the output transform
    long tilesHigh, tilesWide;  // TH, TW: tiles per image
    long paddedHeight, paddedWidth;  // Hp = 2·TH + 2, Wp = 2·TW + 2
    long outputHeight, outputWidth;  // P, Q (≤ 2·TH, 2·TW)
} FoveaWinogradShape;

/// Input transform of `count` ≤ nr consecutive tiles starting at `firstTile`, written as one
/// packed SGEMM B panel per frequency: `v[f·frequencyStride + c·nr + lane]` = (Bᵀ d B)[f] of
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

#ifdef __cplusplus
}
#endif

#endif
