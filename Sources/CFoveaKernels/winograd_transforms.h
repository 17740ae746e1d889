// The 1-D Winograd transforms of F(2, 3) (α = 4 points) and F(2, 5) (α = 6), written with
// ADD/SUB/MUL/NEG macros so that the portable and the AVX-512 kernels of winograd.c do the same
// operations in the same order. Private to CFoveaKernels.
//
// F(2, 3), points 0, 1, −1, ∞:      Bᵀ = [1 0 −1 0; 0 1 1 0; 0 −1 1 0; 0 1 0 −1],
//                                    Aᵀ = [1 1 1 0; 0 1 −1 −1].
// F(2, 5), points 0, 1, −1, 2, −2, ∞ (the input transform is also that of F(4, 3)):
//   Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1],
//   Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 1].
// The kernel transforms G (Conv2DWinograd.swift) complete each pair.
#ifndef FOVEA_WINOGRAD_TRANSFORMS_H
#define FOVEA_WINOGRAD_TRANSFORMS_H

/// v = Bᵀ x for α = 4 (x and v are arrays indexed 0 ..< 4).
#define WINOGRAD_INPUT4(x, v) do { \
        v[0] = SUB(x[0], x[2]); v[1] = ADD(x[1], x[2]); v[2] = SUB(x[2], x[1]); v[3] = SUB(x[1], x[3]); \
    } while (0)

/// v = Bᵀ x for α = 6, sharing x4 − 4x2, x3 − 4x1, x4 − x2 and 2(x3 − x1) between rows 1–4.
#define WINOGRAD_INPUT6(x, v) do { \
        const __typeof__(x[0]) a_ = SUB(x[4], MUL(x[2], 4.0f)), b_ = SUB(x[3], MUL(x[1], 4.0f)); \
        const __typeof__(x[0]) c_ = SUB(x[4], x[2]), d_ = MUL(SUB(x[3], x[1]), 2.0f); \
        v[0] = ADD(SUB(x[4], MUL(x[2], 5.0f)), MUL(x[0], 4.0f)); \
        v[1] = ADD(a_, b_); v[2] = SUB(a_, b_); v[3] = ADD(c_, d_); v[4] = SUB(c_, d_); \
        v[5] = ADD(SUB(x[5], MUL(x[3], 5.0f)), MUL(x[1], 4.0f)); \
    } while (0)

/// o = Aᵀ m for α = 4 (o indexed 0 ..< 2).
#define WINOGRAD_OUTPUT4(m, o) do { \
        o[0] = ADD(ADD(m[0], m[1]), m[2]); o[1] = SUB(SUB(m[1], m[2]), m[3]); \
    } while (0)

/// o = Aᵀ m for α = 6.
#define WINOGRAD_OUTPUT6(m, o) do { \
        o[0] = ADD(ADD(m[0], ADD(m[1], m[2])), ADD(m[3], m[4])); \
        o[1] = ADD(ADD(SUB(m[1], m[2]), MUL(SUB(m[3], m[4]), 2.0f)), m[5]); \
    } while (0)

/// v = A x for α = 4, the transpose of the output transform (x indexed 0 ..< 2): the weight
/// gradient's transform of a 2×2 block of output gradients (F(2, 3) only: the weight gradient of a
/// 5×5 kernel is taken as four 3×3 ones, see Conv2DWinogradWeightGradient.swift).
#define WINOGRAD_GRADIENT4(x, v) do { \
        v[0] = x[0]; v[1] = ADD(x[0], x[1]); v[2] = SUB(x[0], x[1]); v[3] = NEG(x[1]); \
    } while (0)

#define WINOGRAD_INPUT(alpha, x, v) do { if ((alpha) == 4) WINOGRAD_INPUT4(x, v); else WINOGRAD_INPUT6(x, v); } while (0)
#define WINOGRAD_OUTPUT(alpha, m, o) do { if ((alpha) == 4) WINOGRAD_OUTPUT4(m, o); else WINOGRAD_OUTPUT6(m, o); } while (0)

#endif
