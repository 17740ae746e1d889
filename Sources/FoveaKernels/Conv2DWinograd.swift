// Winograd F(2×2, 3×3) convolution (Lavin & Gray, "Fast Algorithms for Convolutional Neural
// Networks", 2016) for 3×3, stride-1, undilated, ungrouped layers.
//
// Each 2×2 block of outputs ("tile") of each output channel is Aᵀ [Σ_c (G g Gᵀ) ⊙ (Bᵀ d B)] A,
// where d is the tile's 4×4 input patch of channel c and g the 3×3 kernel: 16 multiplies per tile
// and channel pair instead of 36, so 2.25× fewer FLOPs than the direct sum. The 16 element-wise
// products, summed over c, are 16 independent matrix products M_f (K × tiles) = U_f (K × C) ·
// V_f (C × tiles), which run on the SGEMM micro-kernel:
//   U_f = (G g Gᵀ)_f is computed once per call, packed as the micro-kernel's A panels;
//   V_f = (Bᵀ d B)_f is written by the C input transform straight into B-panel layout;
//   the output transform (C, Winograd.c) reads M_f and writes (or adds) the outputs and the bias.
// Tiles are numbered over the whole batch and processed in blocks small enough that a block's
// V and M stay in L2; threads take contiguous ranges of tiles. Each output is computed by the same
// operations in the same order whatever the thread count, so results are reproducible.
// Accuracy: the transforms only add and halve, so the error stays within a few ulps of the direct
// sum's (tested against the naive convolution).

import CFoveaKernels

extension Conv2DGeometry {
    /// True when ``conv2dForwardWinograd(output:input:weight:bias:geometry:accumulate:scale:relu:)`` can
    /// compute this convolution: 3×3 kernel, stride 1, no dilation, one group, padding at most 2
    /// per side (so the input gradient is a Winograd convolution too), and offsets that fit the
    /// transforms' 32-bit indices.
    public var isWinogradEligible: Bool {
        guard kernelHeight == 3, kernelWidth == 3, strideHeight == 1, strideWidth == 1,
              dilationHeight == 1, dilationWidth == 1, groups == 1,
              [padTop, padBottom, padLeft, padRight].allSatisfy({ (0...2).contains($0) }),
              outputHeight > 0, outputWidth > 0 else { return false }
        let tiled = winogradShape(channels: max(inputChannels, outputChannels))
        return batch * tiled.channels * tiled.paddedHeight * tiled.paddedWidth < Int(Int32.max)
    }

    /// Whether `conv2dForward` and `conv2dBackward` take the Winograd path: eligible, enough
    /// channels for the 16 products to be real matrix products, and the vectorised transforms.
    /// With few tiles (batch 1 on a 7×7 or 14×14 map) the per-call weight transform costs more
    /// than the multiplies saved (GoogLeNet at batch 1 spent 6.5 % of its time there).
    var prefersWinograd: Bool {
        guard isWinogradEligible, inputChannels >= 16, outputChannels >= 16, directAVX512Available,
              GEMMKernel.active.nr % 16 == 0 else { return false }
        let tiles = winogradShape(channels: 1)
        return batch * tiles.tilesHigh * tiles.tilesWide >= 64
    }

    /// The tile grid over this convolution's output, for a transform over `channels` channels.
    func winogradShape(channels: Int) -> FoveaWinogradShape {
        let tilesHigh = (outputHeight + 1) / 2, tilesWide = (outputWidth + 1) / 2
        return FoveaWinogradShape(channels: channels, tilesHigh: tilesHigh, tilesWide: tilesWide,
                                  paddedHeight: 2 * tilesHigh + 2, paddedWidth: 2 * tilesWide + 2,
                                  outputHeight: outputHeight, outputWidth: outputWidth)
    }
}

/// Cross-correlation by Winograd F(2×2, 3×3): the same contract as
/// ``conv2dForward(output:input:weight:bias:geometry:scale:relu:)``, for geometries that are
/// ``Conv2DGeometry/isWinogradEligible``. With `accumulate` the result (bias included) is added
/// to `output` instead of overwriting it; `scale` and `relu` as in `conv2dForward` (applied to the
/// sum before the accumulation).
public func conv2dForwardWinograd(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry, accumulate: Bool = false,
    scale: UnsafePointer<Float>? = nil, relu: Bool = false
) {
    let kernel = GEMMKernel.active
    let C = g.inputChannels, K = g.outputChannels
    let inputShape = g.winogradShape(channels: C), outputShape = g.winogradShape(channels: K)
    let tiles = g.batch * inputShape.tilesHigh * inputShape.tilesWide
    let depthBlock = balancedBlock(C, limit: 512, unit: 1)
    let rowPanels = (K + kernel.mr - 1) / kernel.mr
    let uFrequency = C * rowPanels * kernel.mr
    // Tiles per block: V (16·C) and M (16·K) floats per tile, about 1 MiB per block.
    let blockTiles = max(kernel.nr, min(1024, (1 << 18) / (16 * (C + K))) / kernel.nr * kernel.nr)

    Workspace.withBuffer(capacity: 16 * uFrequency) { u in
        packWinogradWeights(u, weight: weight, outputChannels: K, inputChannels: C,
                            depthBlock: depthBlock, kernel: kernel)
        let planes = g.batch * C
        let plane = inputShape.paddedHeight * inputShape.paddedWidth
        Workspace.withBuffer(capacity: planes * plane) { padded in
            padForWinograd(padded, input: input, geometry: g, shape: inputShape)
            let parts = min(Parallel.availableThreads, (tiles + kernel.nr - 1) / kernel.nr)
            Parallel.forEach(parts) { part in
                let mine = Parallel.range(of: part, parts: parts, count: tiles)
                Workspace.withBuffer(capacity: 16 * (C + K) * blockTiles) { scratch in
                    for first in stride(from: mine.lowerBound, to: mine.upperBound, by: blockTiles) {
                        let count = min(blockTiles, mine.upperBound - first)
                        winogradBlock(first: first, count: count, blockTiles: blockTiles, u: UnsafePointer(u),
                                      padded: UnsafePointer(padded), scratch: scratch, output: output, bias: bias,
                                      accumulate: accumulate, scale: scale, relu: relu, depthBlock: depthBlock, kernel: kernel,
                                      inputShape: inputShape, outputShape: outputShape)
                    }
                }
            }
        }
    }
}

/// One block of `count` tiles: input transform into B panels, 16 products, output transform.
private func winogradBlock(
    first: Int, count: Int, blockTiles: Int, u: UnsafePointer<Float>, padded: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
    accumulate: Bool, scale: UnsafePointer<Float>?, relu: Bool, depthBlock: Int, kernel: MicroKernel,
    inputShape: FoveaWinogradShape, outputShape: FoveaWinogradShape
) {
    let mr = kernel.mr, nr = kernel.nr
    let C = inputShape.channels, K = outputShape.channels
    let panels = (count + nr - 1) / nr
    let rowPanels = (K + mr - 1) / mr
    let v = scratch, products = scratch + 16 * C * blockTiles
    let vFrequency = C * blockTiles, mFrequency = K * blockTiles, uFrequency = C * rowPanels * mr

    for panel in 0..<panels {
        fovea_winograd_input_panel(v + panel * C * nr, vFrequency, nr, padded,
                                   first + panel * nr, min(nr, count - panel * nr), inputShape)
    }
    for f in 0..<16 {
        for c0 in stride(from: 0, to: C, by: depthBlock) {
            let depth = min(depthBlock, C - c0)
            for rowPanel in 0..<rowPanels {
                let a = u + f * uFrequency + c0 * rowPanels * mr + rowPanel * depth * mr
                let rows = min(mr, K - rowPanel * mr)
                let c = products + f * mFrequency + rowPanel * mr * blockTiles
                for panel in 0..<panels {
                    kernel.call(depth, a, v + f * vFrequency + panel * C * nr + c0 * nr, c + panel * nr,
                                blockTiles, rows, nr, 1, c0 == 0 ? 0 : 1)
                }
            }
        }
    }
    fovea_winograd_output(output, products, mFrequency, blockTiles, scale, bias, accumulate ? 1 : 0, relu ? 1 : 0,
                          first, count, outputShape)
}

/// U_f = (G g Gᵀ)_f of every kernel, packed as A panels of `kernel.mr` output channels per
/// frequency and depth block (rows past K zero), output channels over the threads: frequency f, depth block from c0 (length d),
/// panel i, channel c, row j at `f·C·panels·mr + c0·panels·mr + i·d·mr + (c − c0)·mr + j`.
/// G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1].
func packWinogradWeights(_ u: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>,
                         outputChannels K: Int, inputChannels C: Int, depthBlock: Int, kernel: MicroKernel) {
    let mr = kernel.mr, rowPanels = (K + mr - 1) / mr
    let uFrequency = C * rowPanels * mr
    Parallel.forRanges(rowPanels, grain: 1) { panels in
        for panel in panels {
            // Rows past K in the last panel stay zero (the micro-kernel reads whole panels).
            if (panel + 1) * mr > K {
                for f in 0..<16 {
                    for c0 in stride(from: 0, to: C, by: depthBlock) {
                        let depth = min(depthBlock, C - c0)
                        let base = u + f * uFrequency + c0 * rowPanels * mr + panel * depth * mr
                        for c in 0..<depth { (base + c * mr).initialize(repeating: 0, count: mr) }
                    }
                }
            }
            for k in (panel * mr)..<min(K, (panel + 1) * mr) {
                packWinogradKernels(u, weight: weight, k: k, inputChannels: C, rowPanels: rowPanels,
                                    depthBlock: depthBlock, mr: mr)
            }
        }
    }
}

/// The 16 transformed values of output channel k's C kernels, into their packed places.
private func packWinogradKernels(_ u: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>, k: Int,
                                 inputChannels C: Int, rowPanels: Int, depthBlock: Int, mr: Int) {
    let uFrequency = C * rowPanels * mr, panel = k / mr, row = k % mr
    for c in 0..<C {
        let g = weight + (k * C + c) * 9
        let c0 = c / depthBlock * depthBlock, depth = min(depthBlock, C - c0)
        let offset = c0 * rowPanels * mr + panel * depth * mr + (c - c0) * mr + row
        // Row i of G g, then (G g) Gᵀ of that row.
        for i in 0..<4 {
            var x = SIMD3<Float>()
            for j in 0..<3 {
                let (a, b, d) = (g[j], g[3 + j], g[6 + j])
                x[j] = i == 0 ? a : i == 1 ? (a + b + d) * 0.5 : i == 2 ? (a - b + d) * 0.5 : d
            }
            let transformed = SIMD4<Float>(x[0], (x[0] + x[1] + x[2]) * 0.5, (x[0] - x[1] + x[2]) * 0.5, x[2])
            for j in 0..<4 { u[(4 * i + j) * uFrequency + offset] = transformed[j] }
        }
    }
}

/// Copies each input plane into a zero-bordered Hp × Wp plane: padded (i, j) holds input
/// (i − padTop, j − padLeft), so every tile's 4×4 patch lies inside the padded plane.
private func padForWinograd(_ padded: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
                            geometry g: Conv2DGeometry, shape: FoveaWinogradShape) {
    let Hp = shape.paddedHeight, Wp = shape.paddedWidth, H = g.inputHeight, W = g.inputWidth
    let planes = g.batch * g.inputChannels
    Parallel.forRanges(planes, grain: max(1, 4096 / (Hp * Wp))) { range in
        for plane in range {
            let dst = padded + plane * Hp * Wp, src = input + plane * H * W
            dst.initialize(repeating: 0, count: Hp * Wp)
            let columns = max(0, min(W, Wp - g.padLeft))
            for i in 0..<Hp {
                let h = i - g.padTop
                guard h >= 0, h < H, columns > 0 else { continue }
                (dst + i * Wp + g.padLeft).update(from: src + h * W, count: columns)
            }
        }
    }
}
