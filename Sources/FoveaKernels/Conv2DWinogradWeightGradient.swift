// The weight gradient of a Winograd-eligible convolution, by the same transforms run backwards.
//
// The forward pass is y_tile = Aᵀ [Σ_c U_kc ⊙ V_c] A with U = G g Gᵀ, linear in U, so
//   ∂L/∂U_kc = Σ_tiles (A δ_k Aᵀ) ⊙ V_c     and     ∂L/∂g_kc = Gᵀ (∂L/∂U_kc) G,
// where δ_k is the tile's 2×2 block of output gradients. Per frequency f that is one matrix
// product over the tiles, dU_f (K × C) += D_f (K × tiles) · V_fᵀ (tiles × C), α² products of
// α²/(4r²) the direct method's multiplies (16/36 for 3×3, 36/100 for 5×5). V comes from the
// forward pass's input transform (written tiles-contiguous here), D from the gradient transform
// (winograd.c); both are packed for the micro-kernel per block of tiles, so that a block stays in
// L2. Threads take contiguous tile ranges, each with its own dU, summed in thread order before
// the last transform (run to run reproducible, like the other weight gradients).

import CFoveaKernels

extension Conv2DGeometry {
    /// Whether `conv2dBackward` computes the weight gradient by Winograd: a 3×3 layer that takes
    /// the Winograd forward path, with channels few enough that a block of at least 64 tiles fits
    /// in L2 (the tiles are the products' depth: AlexNet's conv3, 256 → 384 channels, gets blocks
    /// of 16 and ran no faster than the implicit GEMM). Not 5×5: F(2×2, 5×5)'s last transform
    /// mixes the sums of all 25 taps, so a tap that sees mostly padding gets an error of up to
    /// 2.5·10⁻⁴ of its own magnitude (2·10⁻⁶ of the kernel's largest), where every other path stays
    /// within 3·10⁻⁷ (WinogradTests).
    var prefersWinogradWeightGradient: Bool {
        prefersWinograd && kernelHeight == 3 && winogradWeightGradientBlockTiles >= 64
    }

    /// Tiles per block of the Winograd weight gradient (a multiple of 16 for the vector
    /// transforms): the block's V and D, α²·(C + K) floats per tile, about 1 MiB.
    var winogradWeightGradientBlockTiles: Int {
        max(16, min(1024, (1 << 18) / (winogradFrequencies * (inputChannels + outputChannels))) / 16 * 16)
    }
}

/// Adds the weight gradient of a convolution that is ``Conv2DGeometry/isWinogradEligible`` to
/// `dWeight` (`[K, C, r, r]`): Σ over the batch of dOutput ⋆ input, as ``conv2dBackward``
/// defines it, by the Winograd transforms (see the file's comment). For 3×3 kernels each element
/// is as accurate as a direct float32 sum; for 5×5 only to about 2·10⁻⁶ of the largest
/// Σ |δ·x| in its kernel, which is why ``conv2dBackward`` takes it for 3×3 layers only.
public func conv2dBackwardWeightWinograd(dWeight: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
                                         input: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
    let kernel = GEMMKernel.active
    let C = g.inputChannels, K = g.outputChannels, r = g.kernelHeight
    let inputShape = g.winogradShape(channels: C), outputShape = g.winogradShape(channels: K)
    let tiles = g.batch * inputShape.tilesHigh * inputShape.tilesWide, frequencies = g.winogradFrequencies
    let blockTiles = g.winogradWeightGradientBlockTiles
    let layout = WinogradBlockLayout(blockTiles: blockTiles, inputChannels: C, outputChannels: K, frequencies: frequencies)
    let gradientCount = frequencies * K * C
    let parts = min(Parallel.availableThreads, (tiles + blockTiles - 1) / blockTiles)
    let packFloats = ((K + kernel.mr - 1) / kernel.mr * kernel.mr + (C + kernel.nr - 1) / kernel.nr * kernel.nr) * blockTiles

    Workspace.withBuffer(capacity: parts * gradientCount) { partials in
        Workspace.withBuffer(capacity: g.batch * C * inputShape.paddedHeight * inputShape.paddedWidth) { padded in
            padForWinograd(padded, input: input, geometry: g, shape: inputShape)
            Parallel.forEach(parts) { part in
                let dU = partials + part * gradientCount
                dU.initialize(repeating: 0, count: gradientCount)
                let mine = Parallel.range(of: part, parts: parts, count: tiles)
                Workspace.withBuffer(capacity: layout.scratchCount + packFloats) { scratch in
                    for first in stride(from: mine.lowerBound, to: mine.upperBound, by: blockTiles) {
                        weightGradientBlock(first: first, count: min(blockTiles, mine.upperBound - first), layout: layout,
                                            padded: UnsafePointer(padded), dOutput: dOutput, scratch: scratch, dU: dU,
                                            kernel: kernel, inputShape: inputShape, outputShape: outputShape)
                    }
                }
            }
        }
        for part in 1..<max(1, parts) {
            addInPlace(partials, partials + part * gradientCount, count: gradientCount)
        }
        let transform = WinogradKernelTransform(kernelSize: r)
        let frequencyStride = K * C
        Parallel.forRanges(K, grain: max(1, 64 / C)) { channels in
            for k in channels {
                for c in 0..<C {
                    transform.addTransposed(partials + k * C + c, frequencyStride: frequencyStride,
                                            to: dWeight + (k * C + c) * r * r)
                }
            }
        }
    }
}

/// One block of `count` tiles: both transforms (tiles contiguous in each row), then for each
/// frequency the packed product D_f · V_fᵀ added to dU_f (`dU[f·K·C + k·C + c]`).
private func weightGradientBlock(
    first: Int, count: Int, layout: WinogradBlockLayout, padded: UnsafePointer<Float>, dOutput: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, dU: UnsafeMutablePointer<Float>, kernel: MicroKernel,
    inputShape: FoveaWinogradShape, outputShape: FoveaWinogradShape
) {
    let mr = kernel.mr, nr = kernel.nr
    let C = inputShape.channels, K = outputShape.channels, blockTiles = layout.blockTiles
    let v = scratch, d = scratch + layout.frequencies * layout.vFrequency
    let packedA = scratch + layout.scratchCount
    let packedB = packedA + (K + mr - 1) / mr * mr * count
    fovea_winograd_input_panel(v, layout.vFrequency, blockTiles, padded, first, count, inputShape)
    fovea_winograd_gradient_panel(d, layout.mFrequency, blockTiles, dOutput, first, count, outputShape)
    for f in 0..<layout.frequencies {
        packA(transA: false, a: d + f * layout.mFrequency, lda: blockTiles, rows: 0, mb: K, depth: 0, kb: count,
              mr: mr, into: packedA)
        packB(transB: true, b: v + f * layout.vFrequency, ldb: blockTiles, depth: 0, kb: count, cols: 0, nb: C,
              nr: nr, into: packedB)
        let target = dU + f * K * C
        for j in stride(from: 0, to: C, by: nr) {
            for i in stride(from: 0, to: K, by: mr) {
                kernel.call(count, packedA + i * count, packedB + j * count, target + i * C + j, C,
                            min(mr, K - i), min(nr, C - j), 1, 1)
            }
        }
    }
}

/// `a[i] += b[i]` for `count` floats.
private func addInPlace(_ a: UnsafeMutablePointer<Float>, _ b: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { a[i] += b[i] }
}
