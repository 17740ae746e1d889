// Winograd F(2×2, 3×3) and F(2×2, 5×5) convolution (Lavin & Gray, "Fast Algorithms for
// Convolutional Neural Networks", 2016) for 3×3 and 5×5, stride-1, undilated, ungrouped layers.
//
// Each 2×2 block of outputs ("tile") of each output channel is Aᵀ [Σ_c (G g Gᵀ) ⊙ (Bᵀ d B)] A,
// where d is the tile's α×α input patch of channel c (α = r + 1) and g the r×r kernel: α²
// multiplies per tile and channel pair instead of 4r², so 2.25× fewer FLOPs than the direct sum
// for 3×3 (16 for 36) and 2.8× fewer for 5×5 (36 for 100). The α² element-wise products, summed
// over c, are α² independent matrix products M_f (K × tiles) = U_f (K × C) · V_f (C × tiles), which
// run on the SGEMM micro-kernel:
//   U_f = (G g Gᵀ)_f is computed once per call, packed as the micro-kernel's A panels;
//   V_f = (Bᵀ d B)_f is written by the C input transform straight into B-panel layout;
//   the output transform (C, winograd.c) reads M_f and writes (or adds) the outputs and the bias.
// Tiles are numbered over the whole batch and processed in blocks small enough that a block's
// V and M stay in L2; threads take contiguous ranges of tiles. Each output is computed by the same
// operations in the same order whatever the thread count, so results are reproducible.
// Accuracy: F(2×2, 3×3)'s transforms only add and halve, so its error stays within a few ulps of
// the direct sum's; F(2×2, 5×5)'s points 0, ±1, ±2 scale terms by up to 5 and 1/24 on the way,
// which costs about two bits: 3–4× the direct sum's error, still under 10⁻⁶ of Σ |w·x| (both
// tested against an exact sum, see WinogradTests).

import CFoveaKernels

extension Conv2DGeometry {
    /// True when ``conv2dForwardWinograd(output:input:weight:bias:geometry:accumulate:scale:relu:)`` can
    /// compute this convolution: 3×3 or 5×5 kernel, stride 1, no dilation, one group, padding at
    /// most r − 1 per side (so the input gradient is a Winograd convolution too), and offsets that
    /// fit the transforms' 32-bit indices.
    public var isWinogradEligible: Bool {
        guard kernelHeight == kernelWidth, kernelHeight == 3 || kernelHeight == 5, strideHeight == 1, strideWidth == 1,
              dilationHeight == 1, dilationWidth == 1, groups == 1,
              [padTop, padBottom, padLeft, padRight].allSatisfy({ (0..<kernelHeight).contains($0) }),
              outputHeight > 0, outputWidth > 0 else { return false }
        let tiled = winogradShape(channels: max(inputChannels, outputChannels))
        return batch * tiled.channels * tiled.paddedHeight * tiled.paddedWidth < Int(Int32.max)
    }

    /// Whether `conv2dForward` and `conv2dBackward` take the Winograd path: eligible, enough
    /// channels for the α² products to be real matrix products, the vectorised transforms, and
    /// enough tiles. When the weights are transformed on every call, few tiles (batch 1 on a 7×7
    /// or 14×14 map) do not repay that transform (GoogLeNet at batch 1 spent 6.5 % of its time
    /// there): 64 tiles are needed. When the transformed weights are kept between calls
    /// (`weightsKept`, inference), 32 suffice: a 13×13 or 14×14 map at batch 1 (AlexNet's
    /// fourth layer 1.8 → 1.2 ms, GoogLeNet 4e's 3×3 branch 0.98 → 0.65 ms), but not a 7×7 one,
    /// whose 8 tiles per thread fill a quarter of the micro-kernel's 32 columns (GoogLeNet 5b's
    /// 3×3 branch 0.45 → 0.85 ms).
    func prefersWinograd(weightsKept: Bool = false) -> Bool {
        guard isWinogradEligible, inputChannels >= 16, outputChannels >= 16, directAVX512Available,
              GEMMKernel.active.nr % 16 == 0 else { return false }
        let tiles = winogradShape(channels: 1)
        return batch * tiles.tilesHigh * tiles.tilesWide >= (weightsKept ? 32 : 64)
    }

    /// The tile grid over this convolution's output, for a transform over `channels` channels.
    /// The transforms are vectorised when the SGEMM micro-kernel is (so that a test that forces
    /// the portable micro-kernel also checks the portable transforms).
    func winogradShape(channels: Int) -> FoveaWinogradShape {
        winogradShape(channels: channels, kernelSize: kernelHeight, extraPadding: 0)
    }

    /// The same tile grid for transforms of F(2×2, `kernelSize`²), over a padded input with
    /// `extraPadding` more zero rows and columns than this convolution's patches need (the
    /// weight gradient's shifted sub-kernels read them).
    func winogradShape(channels: Int, kernelSize: Int, extraPadding: Int) -> FoveaWinogradShape {
        let tilesHigh = (outputHeight + 1) / 2, tilesWide = (outputWidth + 1) / 2
        let border = kernelHeight - 1 + extraPadding
        return FoveaWinogradShape(kernelSize: kernelSize, channels: channels, tilesHigh: tilesHigh, tilesWide: tilesWide,
                                  paddedHeight: 2 * tilesHigh + border, paddedWidth: 2 * tilesWide + border,
                                  outputHeight: outputHeight, outputWidth: outputWidth,
                                  vectorized: GEMMKernel.active.isa == Int32(FOVEA_ISA_AVX512.rawValue) ? 1 : 0)
    }

    /// α²: the number of transform positions (16 for 3×3, 36 for 5×5).
    var winogradFrequencies: Int { (kernelHeight + 1) * (kernelHeight + 1) }
}

/// Cross-correlation by Winograd F(2×2, 3×3) or F(2×2, 5×5): the same contract as
/// ``conv2dForward(output:input:weight:bias:geometry:scale:relu:weightCache:)``, for geometries that are
/// ``Conv2DGeometry/isWinogradEligible``. With `accumulate` the result (bias included) is added
/// to `output` instead of overwriting it; `scale`, `relu` and `weightCache` as in `conv2dForward`
/// (scale and ReLU applied to the sum before the accumulation).
public func conv2dForwardWinograd(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry, accumulate: Bool = false,
    scale: UnsafePointer<Float>? = nil, relu: Bool = false, weightCache: PackedWeightCache? = nil
) {
    let kernel = GEMMKernel.active
    let C = g.inputChannels, K = g.outputChannels
    let inputShape = g.winogradShape(channels: C), outputShape = g.winogradShape(channels: K)
    let tiles = g.batch * inputShape.tilesHigh * inputShape.tilesWide, frequencies = g.winogradFrequencies
    let depthBlock = balancedBlock(C, limit: 512, unit: 1)
    let rowPanels = (K + kernel.mr - 1) / kernel.mr
    let uFrequency = C * rowPanels * kernel.mr
    // Tiles per block: V (α²·C) and M (α²·K) floats per tile, about 1 MiB per block.
    let blockTiles = max(kernel.nr, min(1024, (1 << 18) / (frequencies * (C + K))) / kernel.nr * kernel.nr)
    let layout = WinogradBlockLayout(blockTiles: blockTiles, inputChannels: C, outputChannels: K, frequencies: frequencies)

    let packing = PackedWeightLayout(.winograd(kernelSize: g.kernelHeight), kernel: kernel, rows: K, depth: C, block: depthBlock)
    withPackedCopy(weightCache, layout: packing, count: frequencies * uFrequency, pack: { u in
        packWinogradWeights(u, weight: weight, outputChannels: K, inputChannels: C, kernelSize: g.kernelHeight,
                            depthBlock: depthBlock, kernel: kernel)
    }) { u in
        let planes = g.batch * C
        let plane = inputShape.paddedHeight * inputShape.paddedWidth
        Workspace.withBuffer(capacity: planes * plane) { padded in
            padForWinograd(padded, input: input, geometry: g, shape: inputShape)
            let parts = min(Parallel.availableThreads, (tiles + kernel.nr - 1) / kernel.nr)
            Parallel.forEach(parts) { part in
                let mine = Parallel.range(of: part, parts: parts, count: tiles)
                Workspace.withBuffer(capacity: layout.scratchCount) { scratch in
                    for first in stride(from: mine.lowerBound, to: mine.upperBound, by: blockTiles) {
                        let count = min(blockTiles, mine.upperBound - first)
                        winogradBlock(first: first, count: count, layout: layout, u: u,
                                      padded: UnsafePointer(padded), scratch: scratch, output: output, bias: bias,
                                      accumulate: accumulate, scale: scale, relu: relu, depthBlock: depthBlock, kernel: kernel,
                                      inputShape: inputShape, outputShape: outputShape)
                    }
                }
            }
        }
    }
}

/// Where a block's transformed inputs V and products M lie in its scratch buffer: frequency f of V
/// at `f·vFrequency`, of M at `mFrequency·f` past V. Each stride is one cache line longer than the
/// data, so that the α² frequencies of one tile, which the transforms touch together, fall in
/// different L1 sets: at a multiple of 4 KiB (64 tiles × 64 channels) all 36 land in one 12-way
/// set and every access misses (the 5×5 output transform took half the time of its products).
struct WinogradBlockLayout {
    let blockTiles, vFrequency, mFrequency, frequencies: Int

    init(blockTiles: Int, inputChannels C: Int, outputChannels K: Int, frequencies: Int) {
        self.blockTiles = blockTiles
        self.frequencies = frequencies
        vFrequency = C * blockTiles + 16
        mFrequency = K * blockTiles + 16
    }

    var scratchCount: Int { frequencies * (vFrequency + mFrequency) }
}

/// One block of `count` tiles: input transform into B panels, α² products, output transform.
private func winogradBlock(
    first: Int, count: Int, layout: WinogradBlockLayout, u: UnsafePointer<Float>, padded: UnsafePointer<Float>,
    scratch: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>?,
    accumulate: Bool, scale: UnsafePointer<Float>?, relu: Bool, depthBlock: Int, kernel: MicroKernel,
    inputShape: FoveaWinogradShape, outputShape: FoveaWinogradShape
) {
    let mr = kernel.mr, nr = kernel.nr
    let C = inputShape.channels, K = outputShape.channels
    let frequencies = layout.frequencies, blockTiles = layout.blockTiles
    let panels = (count + nr - 1) / nr
    let rowPanels = (K + mr - 1) / mr
    let vFrequency = layout.vFrequency, mFrequency = layout.mFrequency, uFrequency = C * rowPanels * mr
    let v = scratch, products = scratch + frequencies * vFrequency

    for panel in 0..<panels {
        fovea_winograd_input_panel(v + panel * C * nr, vFrequency, nr, padded,
                                   first + panel * nr, min(nr, count - panel * nr), inputShape)
    }
    for f in 0..<frequencies {
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
/// frequency and depth block (rows past K zero), output channels over the threads: frequency f,
/// depth block from c0 (length d), panel i, channel c, row j at
/// `f·C·panels·mr + c0·panels·mr + i·d·mr + (c − c0)·mr + j`.
func packWinogradWeights(_ u: UnsafeMutablePointer<Float>, weight: UnsafePointer<Float>,
                         outputChannels K: Int, inputChannels C: Int, kernelSize r: Int, depthBlock: Int, kernel: MicroKernel) {
    let mr = kernel.mr, rowPanels = (K + mr - 1) / mr
    let uFrequency = C * rowPanels * mr, frequencies = (r + 1) * (r + 1)
    let transform = WinogradKernelTransform.of(kernelSize: r)
    Parallel.forRanges(rowPanels, grain: 1) { panels in
        for panel in panels {
            // Rows past K in the last panel stay zero (the micro-kernel reads whole panels).
            if (panel + 1) * mr > K {
                for f in 0..<frequencies {
                    for c0 in stride(from: 0, to: C, by: depthBlock) {
                        let depth = min(depthBlock, C - c0)
                        let base = u + f * uFrequency + c0 * rowPanels * mr + panel * depth * mr
                        for c in 0..<depth { (base + c * mr).initialize(repeating: 0, count: mr) }
                    }
                }
            }
            transform.withTables { tables in
                for k in (panel * mr)..<min(K, (panel + 1) * mr) {
                    for c in 0..<C {
                        let c0 = c / depthBlock * depthBlock, depth = min(depthBlock, C - c0)
                        let offset = c0 * rowPanels * mr + panel * depth * mr + (c - c0) * mr + k % mr
                        let w = weight + (k * C + c) * r * r
                        if r == 3 {
                            tables.apply(w, into: u + offset, frequencyStride: uFrequency, r: 3)
                        } else {
                            tables.apply(w, into: u + offset, frequencyStride: uFrequency, r: 5)
                        }
                    }
                }
            }
        }
    }
}

/// The kernel transform G g Gᵀ of F(2, r) for the points of winograd_transforms.h, and its
/// transpose for the weight gradient. F(2, 3): G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1]. F(2, 5):
/// G = [¼ 0 0 0 0; −⅙ −⅙ −⅙ −⅙ −⅙; −⅙ ⅙ −⅙ ⅙ −⅙; 1/24 1/12 ⅙ ⅓ ⅔; 1/24 −1/12 ⅙ −⅓ ⅔; 0 0 0 0 1].
struct WinogradKernelTransform: Sendable {
    /// The transforms of F(2, 3) and F(2, 5), built once (a training step used to rebuild their
    /// tables on every call: a dozen heap allocations).
    static let f3 = WinogradKernelTransform(kernelSize: 3), f5 = WinogradKernelTransform(kernelSize: 5)

    /// The shared transform for 3 × 3 or 5 × 5 kernels.
    static func of(kernelSize r: Int) -> WinogradKernelTransform { r == 3 ? f3 : f5 }

    /// G in single precision for the forward transform: entry (i, a) at `entries[i·r + a]`, and
    /// column b as a vector over the α rows at `columns[b]`.
    private let entries: [Float], columns: [SIMD8<Float>]

    private init(kernelSize r: Int) {
        let g: [Double]  // α × r, row-major
        switch r {
        case 3:
            g = [1, 0, 0, 0.5, 0.5, 0.5, 0.5, -0.5, 0.5, 0, 0, 1]
        default:
            let sixth = 1.0 / 6
            g = [0.25, 0, 0, 0, 0,
                 -sixth, -sixth, -sixth, -sixth, -sixth,
                 -sixth, sixth, -sixth, sixth, -sixth,
                 1.0 / 24, 1.0 / 12, sixth, 1.0 / 3, 2.0 / 3,
                 1.0 / 24, -1.0 / 12, sixth, -1.0 / 3, 2.0 / 3,
                 0, 0, 0, 0, 1]
        }
        let alpha = r + 1
        entries = g.map(Float.init)
        columns = (0..<r).map { b in
            var column = SIMD8<Float>()
            for i in 0..<alpha { column[i] = Float(g[i * r + b]) }
            return column
        }
    }

    /// Runs `body` with G's tables as pointers, for a loop over many kernels.
    func withTables<Result>(_ body: (WinogradKernelTables) -> Result) -> Result {
        entries.withUnsafeBufferPointer { entries in
            columns.withUnsafeBufferPointer { columns in
                body(WinogradKernelTables(entries: entries.baseAddress!, columns: columns.baseAddress!))
            }
        }
    }

    /// Adds the first `rows` × `columns` of Gᵀ x G (3 × 3, F(2, 3)'s G) to `w` (rows `rowStride`
    /// apart), where x[i][j] = `x[(4·i + j)·frequencyStride]`: the gradient of a kernel from that
    /// of its transform (the weight gradient's last step), in double precision and rounded once.
    /// Written out for G = [1 0 0; ½ ½ ½; ½ −½ ½; 0 0 1] (the general loops over G's entries took
    /// 2 % of a training step for the small CNN's 8,192 sub-kernels).
    static func addGradient3x3(_ x: UnsafePointer<Float>, frequencyStride: Int, to w: UnsafeMutablePointer<Float>,
                               rowStride: Int, rows: Int, columns: Int) {
        // x G, row by row: (x₀ + ½x₁ + ½x₂, ½x₁ − ½x₂, ½x₁ + ½x₂ + x₃).
        func timesG(_ i: Int) -> SIMD3<Double> {
            let x0 = Double(x[4 * i * frequencyStride]), x1 = Double(x[(4 * i + 1) * frequencyStride])
            let x2 = Double(x[(4 * i + 2) * frequencyStride]), x3 = Double(x[(4 * i + 3) * frequencyStride])
            return SIMD3(x0 + 0.5 * x1 + 0.5 * x2, 0.5 * x1 - 0.5 * x2, 0.5 * x1 + 0.5 * x2 + x3)
        }
        let r0 = timesG(0), r1 = timesG(1), r2 = timesG(2), r3 = timesG(3)
        // Gᵀ (x G): the same combination of the rows.
        let o0 = r0 + 0.5 * r1 + 0.5 * r2, o1 = 0.5 * r1 - 0.5 * r2, o2 = 0.5 * r1 + 0.5 * r2 + r3
        for b in 0..<columns {
            if rows > 0 { w[b] += Float(o0[b]) }
            if rows > 1 { w[rowStride + b] += Float(o1[b]) }
            if rows > 2 { w[2 * rowStride + b] += Float(o2[b]) }
        }
    }
}

/// G's single-precision tables (``WinogradKernelTransform``), read through pointers.
struct WinogradKernelTables {
    let entries: UnsafePointer<Float>, columns: UnsafePointer<SIMD8<Float>>

    /// Writes (G w Gᵀ)[i][j] of one r×r kernel to `u[(α·i + j)·frequencyStride]`: each row of G w
    /// as a vector over the kernel's columns, then that row times Gᵀ as a vector over j (2αr
    /// vector operations; the per-call transform of AlexNet's 98,304 conv3 kernels took a
    /// quarter of its products' time in double precision). `r` is 3 or 5, a constant where
    /// this is inlined.
    @inline(__always)
    func apply(_ w: UnsafePointer<Float>, into u: UnsafeMutablePointer<Float>, frequencyStride: Int, r: Int) {
        var rows = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
        withUnsafeMutableBytes(of: &rows) { raw in
            let wRows = raw.baseAddress!.assumingMemoryBound(to: SIMD8<Float>.self)
            for a in 0..<r { for b in 0..<r { wRows[a][b] = w[a * r + b] } }
            for i in 0..<(r + 1) {
                var gw = SIMD8<Float>()  // (G w)[i][b] over b
                for a in 0..<r { gw += entries[i * r + a] * wRows[a] }
                var transformed = SIMD8<Float>()  // (G w Gᵀ)[i][j] over j
                for b in 0..<r { transformed += gw[b] * columns[b] }
                for j in 0..<(r + 1) { u[((r + 1) * i + j) * frequencyStride] = transformed[j] }
            }
        }
    }
}

/// Copies each input plane into a zero-bordered Hp × Wp plane: padded (i, j) holds input
/// (i − padTop, j − padLeft), so every tile's 4×4 patch lies inside the padded plane.
func padForWinograd(_ padded: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>,
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
