// The weight gradient of a Winograd-eligible convolution, by F(2×2, 3×3)'s transforms run
// backwards.
//
// The forward pass is y_tile = Aᵀ [Σ_c U_kc ⊙ V_c] A with U = G g Gᵀ, linear in U, so
//   ∂L/∂U_kc = Σ_tiles (A δ_k Aᵀ) ⊙ V_c     and     ∂L/∂g_kc = Gᵀ (∂L/∂U_kc) G,
// where δ_k is the tile's 2×2 block of output gradients. Per frequency f that is one matrix
// product over the tiles, dU_f (K × C) += D_f (K × tiles) · V_fᵀ (tiles × C): 16 products of
// 16/36 the direct method's multiplies. V comes from the forward pass's input transform (written
// tiles-contiguous here), D from the gradient transform (winograd.c); both are packed for the
// micro-kernel per block of tiles, so that a block stays in L2.
//
// A 5×5 kernel is taken as four 3×3 ones at row and column offsets 0 and 3 (the 6×6 they cover
// has a ninth row and column of taps past the kernel, whose gradients are dropped): each reads
// the 4×4 patches of the same zero-padded input three rows or columns on, and all four share D.
// That is 64 products per tile instead of 100 direct ones. F(2×2, 5×5) would need only 36, but
// its last transform mixes the sums of all 25 taps, so a tap that sees mostly padding got an
// error of up to 2.5·10⁻⁴ of its own magnitude; F(2×2, 3×3)'s stays within a direct sum's
// (WinogradTests).
//
// Threads take contiguous tile ranges, each with its own dU, summed in thread order before the
// last transform (run to run reproducible, like the other weight gradients).

import CFoveaKernels

/// How the Winograd weight gradient covers an r×r kernel with 3×3 ones.
struct WinogradWeightGradientPlan {
    /// Row and column offsets of the 3×3 sub-kernels in the r×r kernel.
    let offsets: [(row: Int, column: Int)]
    /// Tiles per block (a multiple of 16 for the vector transforms): the block's V (16·C floats
    /// per tile and sub-kernel) and D (16·K) about 1 MiB.
    let blockTiles: Int

    private static let fiveByFive = [(row: 0, column: 0), (0, 3), (3, 0), (3, 3)], threeByThree = [(row: 0, column: 0)]

    init(_ g: Conv2DGeometry) {
        offsets = g.kernelHeight == 5 ? Self.fiveByFive : Self.threeByThree
        let floatsPerTile = 16 * (offsets.count * g.inputChannels + g.outputChannels)
        blockTiles = max(16, min(1024, (1 << 18) / floatsPerTile) / 16 * 16)
    }

    /// Rows and columns of zero padding past the forward pass's padded input that the shifted
    /// 4×4 patches read.
    var extraPadding: Int { offsets.map { max($0.row, $0.column) }.max() ?? 0 }
}

extension Conv2DGeometry {
    /// Whether `conv2dBackward` computes the weight gradient by Winograd: a layer that takes the
    /// Winograd forward path, with channels few enough that a block of at least 64 tiles fits in
    /// L2 (the tiles are the products' depth: AlexNet's conv3, 256 → 384 channels, gets blocks
    /// of 16 and ran no faster than the implicit GEMM).
    var prefersWinogradWeightGradient: Bool {
        prefersWinograd() && WinogradWeightGradientPlan(self).blockTiles >= 64
    }
}

/// Adds the weight gradient of a convolution that is ``Conv2DGeometry/isWinogradEligible`` to
/// `dWeight` (`[K, C, r, r]`): Σ over the batch of dOutput ⋆ input, as ``conv2dBackward``
/// defines it, by F(2×2, 3×3) transforms (a 5×5 kernel as four 3×3 ones; see the file's comment).
/// Each element is as accurate as a direct float32 sum.
public func conv2dBackwardWeightWinograd(dWeight: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
                                         input: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
    let kernel = GEMMKernel.active
    let C = g.inputChannels, K = g.outputChannels, r = g.kernelHeight
    let plan = WinogradWeightGradientPlan(g)
    let inputShape = g.winogradShape(channels: C, kernelSize: 3, extraPadding: plan.extraPadding)
    let outputShape = g.winogradShape(channels: K, kernelSize: 3, extraPadding: 0)
    let tiles = g.batch * inputShape.tilesHigh * inputShape.tilesWide
    let layout = WinogradBlockLayout(blockTiles: plan.blockTiles, inputChannels: C, outputChannels: K, frequencies: 16)
    let subKernelCount = 16 * K * C, gradientCount = plan.offsets.count * subKernelCount
    let parts = min(Parallel.availableThreads, (tiles + plan.blockTiles - 1) / plan.blockTiles)
    let scratchCount = plan.offsets.count * 16 * layout.vFrequency + 16 * layout.mFrequency
        + ((K + kernel.mr - 1) / kernel.mr * kernel.mr + (C + kernel.nr - 1) / kernel.nr * kernel.nr) * plan.blockTiles

    Workspace.withBuffer(capacity: parts * gradientCount) { partials in
        Workspace.withBuffer(capacity: g.batch * C * inputShape.paddedHeight * inputShape.paddedWidth) { padded in
            padForWinograd(padded, input: input, geometry: g, shape: inputShape)
            Parallel.forEach(parts) { part in
                let dU = partials + part * gradientCount
                dU.initialize(repeating: 0, count: gradientCount)
                let mine = Parallel.range(of: part, parts: parts, count: tiles)
                Workspace.withBuffer(capacity: scratchCount) { scratch in
                    for first in stride(from: mine.lowerBound, to: mine.upperBound, by: plan.blockTiles) {
                        weightGradientBlock(first: first, count: min(plan.blockTiles, mine.upperBound - first), plan: plan,
                                            layout: layout, padded: UnsafePointer(padded), dOutput: dOutput, scratch: scratch,
                                            dU: dU, kernel: kernel, inputShape: inputShape, outputShape: outputShape)
                    }
                }
            }
        }
        addPartials(partials + gradientCount, parts: parts - 1, count: gradientCount, into: partials)
        Parallel.forRanges(K, grain: max(1, 64 / C)) { channels in
            for k in channels {
                for c in 0..<C {
                    for (index, offset) in plan.offsets.enumerated() {
                        WinogradKernelTransform.addGradient3x3(
                            partials + index * subKernelCount + k * C + c, frequencyStride: K * C,
                            to: dWeight + (k * C + c) * r * r + offset.row * r + offset.column,
                            rowStride: r, rows: min(3, r - offset.row), columns: min(3, r - offset.column))
                    }
                }
            }
        }
    }
}

/// One block of `count` tiles: the gradient transform and each sub-kernel's input transform
/// (tiles contiguous in each row), then for each frequency the packed products D_f · V_fᵀ added to
/// each sub-kernel's dU_f (`dU[(s·16 + f)·K·C + k·C + c]`), D_f packed once for all of them.
private func weightGradientBlock(
    first: Int, count: Int, plan: WinogradWeightGradientPlan, layout: WinogradBlockLayout, padded: UnsafePointer<Float>,
    dOutput: UnsafePointer<Float>, scratch: UnsafeMutablePointer<Float>, dU: UnsafeMutablePointer<Float>,
    kernel: MicroKernel, inputShape: FoveaWinogradShape, outputShape: FoveaWinogradShape
) {
    let mr = kernel.mr, nr = kernel.nr
    let C = inputShape.channels, K = outputShape.channels, blockTiles = layout.blockTiles
    let subKernels = plan.offsets.count, vCount = 16 * layout.vFrequency
    let d = scratch + subKernels * vCount
    let packedA = d + 16 * layout.mFrequency
    let packedB = packedA + (K + mr - 1) / mr * mr * count
    fovea_winograd_gradient_panel(d, layout.mFrequency, blockTiles, dOutput, first, count, outputShape)
    for (index, offset) in plan.offsets.enumerated() {
        fovea_winograd_input_panel(scratch + index * vCount, layout.vFrequency, blockTiles,
                                   padded + offset.row * inputShape.paddedWidth + offset.column, first, count, inputShape)
    }
    for f in 0..<16 {
        packA(transA: false, a: d + f * layout.mFrequency, lda: blockTiles, rows: 0, mb: K, depth: 0, kb: count,
              mr: mr, into: packedA)
        for index in 0..<subKernels {
            packB(transB: true, b: scratch + index * vCount + f * layout.vFrequency, ldb: blockTiles, depth: 0, kb: count,
                  cols: 0, nb: C, nr: nr, into: packedB)
            let target = dU + (index * 16 + f) * K * C
            for j in stride(from: 0, to: C, by: nr) {
                for i in stride(from: 0, to: K, by: mr) {
                    kernel.call(count, packedA + i * count, packedB + j * count, target + i * C + j, C,
                                min(mr, K - i), min(nr, C - j), 1, 1)
                }
            }
        }
    }
}
