// Implicit-GEMM convolution, position-major: the product is Yᵀ (PQ × K) = col(X)ᵀ (PQ × CRS) ·
// Wᵀ (CRS × K), one image at a time, with the rows of col(X)ᵀ never stored as a matrix.
//
// The im2col path (Conv2D.swift) copies each input value into the column matrix and copies it
// again when SGEMM packs that matrix; its tiles are MR output channels × NR positions, so a
// layer like LeNet's second (64 channels, 14×14 = 196 positions) fills 64 of 70 rows and 196
// of 224 columns. Here the C packer writes each micro-kernel A panel (MR = 14 consecutive output
// positions × all C·R·S taps) straight from the image, and the weights are packed once per call as
// B panels of NR = 32 output channels; the same layer then fills every row (196 = 14·14) and
// every column (64 = 2·32). The micro-kernel writes a 14 × 32 tile of positions × channels into an
// L1 scratch tile, which the C store transposes (16 × 16 in registers) into the NCHW output and
// adds the bias to.
//
// With unit stride and rows that fill their panels (LeNet's 14-wide maps), a panel is 14 positions
// of one output row and is not packed at all: each image is copied once into a zero-padded
// buffer and a variant of the micro-kernel broadcasts the 14 values of each tap straight from it
// (lenet_c2 forward + backward 25.6 → 23.3 ms).
//
// Threads take contiguous ranges of (image, position panel) pairs (or (image, row) pairs); every
// output is one micro-kernel sum over all taps in order, so results do not depend on the thread
// count.

import CFoveaKernels

let implicitGEMMAvailable = fovea_implicit_conv_available() != 0

extension Conv2DGeometry {
    /// True when ``conv2dForwardImplicitGEMM(output:input:weight:bias:geometry:accumulate:scale:relu:)`` can
    /// compute this convolution on this machine: one group, kernels of at most 32 × 32 taps, the
    /// AVX-512 packing and a micro-kernel of at most 16 rows and a multiple of 16 columns.
    public var isImplicitGEMMEligible: Bool {
        let kernel = GEMMKernel.active
        return implicitGEMMAvailable && groups == 1 && kernelHeight <= 32 && kernelWidth <= 32
            && kernel.mr <= 16 && kernel.nr % 16 == 0 && outputHeight > 0 && outputWidth > 0
            && inputHeight * inputWidth < Int(Int32.max) / 16
    }

    /// Whether `conv2dForward` takes the implicit-GEMM path: eligible, at least 64 taps (with
    /// fewer, the transposing store costs more than the micro-kernel's work on a tile), and tiles
    /// at least 90 % as full as the im2col product's (which also pays for a second copy of every
    /// value). Strided layers qualify too: their panels are cut from a 64-column window by
    /// permutes (or gathered), cheaper than im2col (AlexNet's first layer at batch 1: 1.55 →
    /// 1.2 ms). A 1 × 1 layer, already a plain SGEMM on the image, qualifies only where the row
    /// panels read the image without packing (incep3a_1x1 forward 2.0–2.4 → 1.8–2.0 ms).
    var prefersImplicitGEMM: Bool {
        let kernel = GEMMKernel.active
        guard isImplicitGEMMEligible, kernelHeight * kernelWidth > 1 || readsRowPanelsFromPaddedImages(kernel) else { return false }
        let positions = outputHeight * outputWidth
        let depth = inputChannels * kernelHeight * kernelWidth
        return depth >= 64 && tileFill(positions, outputChannels, kernel) >= 0.9 * tileFill(outputChannels, positions, kernel)
    }

    /// Whether `conv2dBackward` computes the weight gradient by implicit GEMM, with the images
    /// split into `parts` ranges: eligible, a kernel larger than 1 × 1 (a pointwise layer needs no
    /// column matrix), at least 64 taps (LeNet's first layer, 25 taps, measured slower), and one
    /// range per thread (with fewer images than threads, the im2col
    /// path's threaded SGEMM keeps both cores busy instead).
    func prefersImplicitWeightGradient(parts: Int) -> Bool {
        isImplicitGEMMEligible && kernelHeight * kernelWidth > 1 && inputChannels * kernelHeight * kernelWidth >= 64
            && parts == Parallel.availableThreads
    }

    /// Whether `conv2dBackward` computes the input gradient as the implicit GEMM of
    /// ``inputGradientAsConvolution``: a kernel larger than 1 × 1, at least 64 taps in that
    /// convolution, and tiles (input positions × input channels) at least 90 % as full as those of
    /// the im2col gradient (C·R·S × P·Q).
    var prefersImplicitInputGradient: Bool {
        guard kernelHeight * kernelWidth > 1, outputChannels * kernelHeight * kernelWidth >= 64,
              let back = inputGradientAsConvolution, back.isImplicitGEMMEligible else { return false }
        let kernel = GEMMKernel.active
        let depth = inputChannels * kernelHeight * kernelWidth
        return tileFill(inputHeight * inputWidth, inputChannels, kernel) >= 0.9 * tileFill(depth, outputHeight * outputWidth, kernel)
    }

    /// One image's geometry as the C packer sees it.
    var implicitShape: FoveaImplicitConvShape {
        FoveaImplicitConvShape(
            channels: inputChannels, height: inputHeight, width: inputWidth,
            kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            strideHeight: strideHeight, strideWidth: strideWidth,
            dilationHeight: dilationHeight, dilationWidth: dilationWidth,
            padTop: padTop, padLeft: padLeft, outputWidth: outputWidth)
    }
}

/// The share of the micro-kernel's tiles that holds real results when a `rows` × `cols` product
/// is cut into MR × NR tiles.
private func tileFill(_ rows: Int, _ cols: Int, _ kernel: MicroKernel) -> Double {
    let paddedRows = (rows + kernel.mr - 1) / kernel.mr * kernel.mr
    let paddedCols = (cols + kernel.nr - 1) / kernel.nr * kernel.nr
    return Double(rows * cols) / Double(max(1, paddedRows * paddedCols))
}

/// Cross-correlation by position-major implicit GEMM: the same contract as
/// ``conv2dForward(output:input:weight:bias:geometry:scale:relu:weightCache:)``, for geometries that are
/// ``Conv2DGeometry/isImplicitGEMMEligible``. With `accumulate` the result (bias included) is
/// added to `output` instead of overwriting it; `scale`, `relu` and `weightCache` as in
/// `conv2dForward` (scale and ReLU applied to the sum before the accumulation).
public func conv2dForwardImplicitGEMM(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry, accumulate: Bool = false,
    scale: UnsafePointer<Float>? = nil, relu: Bool = false, weightCache: PackedWeightCache? = nil
) {
    let kernel = GEMMKernel.active
    let mr = kernel.mr, nr = kernel.nr
    let K = g.outputChannels, depth = g.inputChannels * g.kernelHeight * g.kernelWidth
    let PQ = g.outputHeight * g.outputWidth, HW = g.inputHeight * g.inputWidth
    let channelPanels = (K + nr - 1) / nr
    let positionPanels = (PQ + mr - 1) / mr
    let shape = g.implicitShape

    let layout = PackedWeightLayout(.implicitB, kernel: kernel, rows: K, depth: depth, block: depth)
    withPackedCopy(weightCache, layout: layout, count: channelPanels * nr * depth, pack: { packedWeights in
        // Wᵀ (depth × K) as B panels of nr output channels, zero past K, over the threads.
        forPanelRanges(channelPanels, floatsPerPanel: nr * depth) { panels in
            let first = panels.lowerBound * nr
            packB(transB: true, b: weight, ldb: depth, depth: 0, kb: depth, cols: first, nb: min(K, panels.upperBound * nr) - first,
                  nr: nr, into: packedWeights + first * depth)
        }
    }) { weights in
        if g.readsRowPanelsFromPaddedImages(kernel) {
            implicitForwardFromPaddedImages(output: output, input: input, weights: weights, bias: bias, geometry: g,
                                            accumulate: accumulate, scale: scale, relu: relu)
            return
        }
        Parallel.forRanges(g.batch * positionPanels) { units in
            Workspace.withBuffer(capacity: depth * mr + 16 + mr * nr) { scratch in
                let panel = scratch, tile = scratch + depth * mr + 16
                for unit in units {
                    let n = unit / positionPanels, first = unit % positionPanels * mr
                    let count = min(mr, PQ - first)
                    fovea_implicit_conv_pack(panel, mr, input + n * g.inputChannels * HW, first, count, shape)
                    let y = output + n * K * PQ + first
                    for j in 0..<channelPanels {
                        kernel.call(depth, panel, weights + j * nr * depth, tile, nr, mr, nr, 1, 0)
                        fovea_implicit_conv_store(y + j * nr * PQ, PQ, tile, nr, count, min(nr, K - j * nr),
                                                  scale.map { $0 + j * nr }, bias.map { $0 + j * nr }, accumulate ? 1 : 0, relu ? 1 : 0)
                    }
                }
            }
        }
    }
}

/// dWeight (K × C·R·S) += Σ over the `images` of dOutput (K × P·Q) · col(X)ᵀ (P·Q × C·R·S), with
/// col(X)ᵀ never stored: each block of up to 384 positions is packed from the image (16 positions
/// × all taps at a time, as for the forward pass) and transposed in registers into B panels of
/// NR taps; dOutput is packed as A panels of MR output channels. This replaces the im2col copy
/// and the scalar transposing pack of the im2col path's dW product.
func conv2dBackwardWeightImplicitGEMM(dWeight: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>,
                                      input: UnsafePointer<Float>, images: Range<Int>, geometry g: Conv2DGeometry) {
    let kernel = GEMMKernel.active
    let mr = kernel.mr, nr = kernel.nr
    let K = g.outputChannels, depth = g.inputChannels * g.kernelHeight * g.kernelWidth
    let PQ = g.outputHeight * g.outputWidth, CHW = g.inputChannels * g.inputHeight * g.inputWidth
    let Q = g.outputWidth
    let tapPanels = (depth + nr - 1) / nr, rowPanels = (K + mr - 1) / mr
    let kBlock = balancedBlock(PQ, limit: GEMMBlocking.kcLimit, unit: 1)
    let shape = g.implicitShape
    let panelFloats = tapPanels * nr * kBlock, packFloats = depth * 16 + 16
    Workspace.withBuffer(capacity: panelFloats + packFloats + rowPanels * mr * kBlock) { scratch in
        let panels = scratch, pack = scratch + panelFloats, packedA = pack + packFloats
        for n in images {
            let x = input + n * CHW, dy = dOutput + n * K * PQ
            for p0 in stride(from: 0, to: PQ, by: kBlock) {
                let kb = min(kBlock, PQ - p0)
                var p = 0
                while p < kb {
                    // Chunks end at output rows when rows are long enough, so each is one masked
                    // load per tap (rows of 14 → 14-position chunks) rather than two.
                    let rowRest = Q >= 8 ? Q - (p0 + p) % Q : 16
                    let count = min(16, rowRest, kb - p)
                    fovea_implicit_conv_pack(pack, 16, x, p0 + p, count, shape)
                    fovea_implicit_conv_transpose(panels, nr, kb, p, pack, depth, count)
                    p += count
                }
                packA(transA: false, a: dy, lda: PQ, rows: 0, mb: K, depth: p0, kb: kb, mr: mr, into: packedA)
                for j in 0..<tapPanels {
                    for i in 0..<rowPanels {
                        kernel.call(kb, packedA + i * mr * kb, panels + j * nr * kb, dWeight + i * mr * depth + j * nr,
                                    depth, min(mr, K - i * mr), min(nr, depth - j * nr), 1, 1)
                    }
                }
            }
        }
    }
}

extension Conv2DGeometry {
    /// Whether the forward pass reads its A operand straight from zero-padded images, one output
    /// row's 14 positions per panel: the AVX-512 14 × 32 micro-kernel (which broadcasts every
    /// stride-th value of a row: AlexNet's 11 × 11 stride-4 first layer lost the packing that was a
    /// tenth of its time), rows that fill at least 85 % of their panels (13, 14, 27, 28, 55, 56 …
    /// positions; not 7 or 10), and offsets that fit 32 bits.
    func readsRowPanelsFromPaddedImages(_ kernel: MicroKernel) -> Bool {
        guard kernel.mr == 14, kernel.nr == 32,
              kernel.isa == Int32(FOVEA_ISA_AVX512.rawValue) else { return false }
        let panels = (outputWidth + 13) / 14
        let padded = paddedImageSize
        return Double(outputWidth) >= 0.85 * Double(panels * 14)
            && inputChannels * padded.height * padded.width < Int(Int32.max)
    }

    /// Rows and columns of the zero-padded image the row panels read: every panel's 14 reads of a
    /// tap stay inside one padded row (the last panel of a row of 14 or more is moved left to end
    /// at the row's last output, so that none of its lanes reads past the row).
    var paddedImageSize: (height: Int, width: Int) {
        ((outputHeight - 1) * strideHeight + (kernelHeight - 1) * dilationHeight + 1,
         (max(outputWidth, 14) - 1) * strideWidth + (kernelWidth - 1) * dilationWidth + 1)
    }
}

/// The forward implicit GEMM without packing A: each image is copied once into a zero-padded
/// buffer, and the micro-kernel broadcasts the 14 positions of a row panel for tap (c, r, s)
/// from `padded + offset[(c·R + r)·S + s] + row·strideH·Wp + (column + i)·strideW`, i < 14. The
/// packer's copy of every value for every tap (C·R·S per position) becomes one copy per value, or
/// none: an image whose panels need no padding (AlexNet's first layer, a 1 × 1 layer on 14- or
/// 28-wide maps) is read in place. With fewer images than threads, each image is padded once
/// before the threads share it (each thread padded its own copy: at batch 1 both copied the whole
/// image, a fifth of a small 1 × 1 layer's time).
private func implicitForwardFromPaddedImages(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weights: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry, accumulate: Bool, scale: UnsafePointer<Float>?, relu: Bool
) {
    let nr = 32, C = g.inputChannels, K = g.outputChannels, R = g.kernelHeight, S = g.kernelWidth
    let H = g.inputHeight, W = g.inputWidth, P = g.outputHeight, Q = g.outputWidth, PQ = P * Q
    let depth = C * R * S, channelPanels = (K + nr - 1) / nr, rowPanels = (Q + 13) / 14
    let (Hp, Wp) = g.paddedImageSize
    let paddedImage = C * Hp * Wp
    // An image whose rows and columns the panels read are all inside it (no padding at the top or
    // left, none needed at the bottom or right) is read in place, with its own strides: AlexNet's
    // first layer, or a 1 × 1 layer on 14- or 28-wide maps. Its offsets must fit 32 bits too (the
    // padded layout's are checked by `readsRowPanelsFromPaddedImages`).
    let inPlace = g.padTop == 0 && g.padLeft == 0 && Hp <= H && Wp <= W && C * H * W < Int(Int32.max)
    let (rowStride, planeStride) = inPlace ? (W, H * W) : (Wp, Hp * Wp)
    var offsets = [Int32](repeating: 0, count: depth)
    for c in 0..<C { for r in 0..<R { for s in 0..<S {
        offsets[(c * R + r) * S + s] = Int32(c * planeStride + r * g.dilationHeight * rowStride + s * g.dilationWidth)
    } } }

    /// The products of `units`, each one output row of one image against one panel of 32 output
    /// channels (numbered (n·P + row)·channelPanels + j), image n laid out padded at
    /// `images + n·imageStride` (stride 0: one buffer holding the image of all the units). Rows are
    /// split by channel panel so that a batch-1 layer's few rows still divide evenly over the
    /// threads (AlexNet's first layer: 55 rows, 165 units).
    func rowProducts(_ units: Range<Int>, images: UnsafePointer<Float>, imageStride: Int, table: UnsafePointer<Int32>,
                     tile: UnsafeMutablePointer<Float>) {
        for unit in units {
            let n = unit / (P * channelPanels), row = unit / channelPanels % P, j = unit % channelPanels
            let padded = images + n * imageStride + row * g.strideHeight * rowStride
            let y = output + (n * K + j * nr) * PQ + row * Q
            for panel in 0..<rowPanels {
                // A row's last, partial panel ends at its last output instead (when the row has
                // 14), and stores only the positions the panel before it did not.
                let column = Q >= 14 ? min(panel * 14, Q - 14) : 0, done = panel * 14 - column
                fovea_sgemm_avx512_14x32_image(depth, padded + column * g.strideWidth, g.strideWidth, table,
                                               weights + j * nr * depth, tile)
                fovea_implicit_conv_store(y + column + done, PQ, tile + done * nr, nr, min(14, Q - column) - done,
                                          min(nr, K - j * nr), scale.map { $0 + j * nr }, bias.map { $0 + j * nr },
                                          accumulate ? 1 : 0, relu ? 1 : 0)
            }
        }
    }

    offsets.withUnsafeBufferPointer { offsets in
        let table = offsets.baseAddress!
        /// Every image's rows over the threads, image n laid out padded at `images + n·imageStride`.
        func sharedImageProducts(_ images: UnsafePointer<Float>, imageStride: Int) {
            Parallel.forRanges(g.batch * P * channelPanels) { units in
                Workspace.withBuffer(capacity: 14 * nr) { tile in
                    rowProducts(units, images: images, imageStride: imageStride, table: table, tile: tile)
                }
            }
        }
        if inPlace {
            sharedImageProducts(input, imageStride: C * H * W)
            return
        }
        if g.batch < Parallel.availableThreads {  // each image padded once, read by every thread
            Workspace.withBuffer(capacity: g.batch * paddedImage) { shared in
                Parallel.forRanges(g.batch * C, grain: max(1, 4096 / (Hp * Wp))) { planes in
                    for plane in planes {
                        padImage(shared + plane * Hp * Wp, input + plane * H * W, channels: 1, height: H, width: W,
                                 paddedHeight: Hp, paddedWidth: Wp, top: g.padTop, left: g.padLeft)
                    }
                }
                sharedImageProducts(shared, imageStride: paddedImage)
            }
            return
        }
        Parallel.forRanges(g.batch * P * channelPanels) { units in
            Workspace.withBuffer(capacity: paddedImage + 14 * nr) { scratch in
                let padded = scratch, tile = scratch + paddedImage
                // Units are image-major: pad each image this thread meets once.
                var first = units.lowerBound
                while first < units.upperBound {
                    let n = first / (P * channelPanels), last = min(units.upperBound, (n + 1) * P * channelPanels)
                    padImage(padded, input + n * C * H * W, channels: C, height: H, width: W,
                             paddedHeight: Hp, paddedWidth: Wp, top: g.padTop, left: g.padLeft)
                    rowProducts(first..<last, images: padded, imageStride: 0, table: table, tile: tile)
                    first = last
                }
            }
        }
    }
}

/// Copies a C × H × W image into a zeroed C × Hp × Wp buffer at rows top…, columns left…; rows
/// and columns past the buffer (which a strided layer's last output does not reach) are left out.
private func padImage(_ padded: UnsafeMutablePointer<Float>, _ image: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                      paddedHeight: Int, paddedWidth: Int, top: Int, left: Int) {
    padded.initialize(repeating: 0, count: channels * paddedHeight * paddedWidth)
    let columns = max(0, min(width, paddedWidth - left))
    for c in 0..<channels {
        for h in 0..<height where h + top < paddedHeight {
            (padded + (c * paddedHeight + h + top) * paddedWidth + left).update(from: image + (c * height + h) * width, count: columns)
        }
    }
}
