// The fast 2-D convolution: im2col + SGEMM per image, forward and backward, threaded over images.
// N batch, C input channels, K output channels, H×W input, R×S kernel, P×Q output, G groups
//
// Per image n and group g (Kg = K/G output channels, CRSg = (C/G)·R·S column rows):
//   forward   y[n][g]    (Kg×PQ)   = W[g] (Kg×CRSg) · col[g] (CRSg×PQ)          (+ bias)
//   backward  dW[g]     (Kg×CRSg) += dy[n][g] (Kg×PQ) · col[g]ᵀ (PQ×CRSg)
//             dcol[g]   (CRSg×PQ)  = W[g]ᵀ (CRSg×Kg) · dy[n][g] (Kg×PQ);  dx[n] += col2im(dcol)
// When the batch has at least as many images as there are threads, each thread takes a contiguous
// range of images with its own columns workspace (and its own partial weight gradient, summed in
// thread order at the end, so results are bit-identical run to run); SGEMM then runs on one thread.
// Otherwise images go one after another and SGEMM and im2col use the threads.
// A 1×1, stride-1, unpadded convolution skips im2col: the image is its own column matrix.
// A depthwise convolution (one input channel per group) goes to the direct kernel in
// Conv2DDepthwise.swift instead, one with few taps per output (C·R·S ≤ 64) to the direct kernels
// of Conv2DDirect.swift (forward, weight and bias gradients), a 3×3 or 5×5 stride-1 one with
// enough channels to Winograd F(2×2, 3×3) or F(2×2, 5×5) (Conv2DWinograd.swift: forward and input
// gradient; Conv2DWinogradWeightGradient.swift: weight gradient by F(2×2, 3×3)), and other
// stride-1 ones whose tiles fill better position-major to the implicit GEMM
// (Conv2DImplicitGEMM.swift), forward and, where it pays, input and weight gradients.

/// Cross-correlation of an NCHW batch with `[K, C/groups, R, S]` weights, then per output channel
/// an optional scale and bias, and optionally ReLU: what a convolution, an inference-mode batch
/// normalisation and a ReLU compute, in one pass over the output. Overwrites `output`
/// (`[N, K, P, Q]`, see ``Conv2DGeometry``).
///
/// - Parameters:
///   - output: `[N, K, P, Q]`, overwritten.
///   - input: `[N, C, H, W]`.
///   - weight: `[K, C/groups, R, S]`.
///   - bias: `[K]`, or `nil` for none.
///   - g: a geometry whose ``Conv2DGeometry/validationFailure`` is `nil`.
///   - scale: `[K]` multipliers applied to each sum before the bias (`sum·scale[k] + bias[k]`,
///     a multiply then an add), or `nil`.
///   - relu: store `x < 0 ? 0 : x` of each result (NaN stays NaN, as
///     ``reluForward(output:input:count:)``).
///   - weightCache: where the weights packed for the micro-kernel are kept between calls, or
///     `nil` to pack them on every call. It must belong to these weights and be emptied when
///     they change. With kept weights a layer with few 2×2 output tiles (32 to 63: a 13×13 or
///     14×14 map at batch 1) takes Winograd, whose transform no longer has to be repaid on each
///     call; otherwise the results are the same bits with or without a cache.
public func conv2dForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry, scale: UnsafePointer<Float>? = nil, relu: Bool = false,
    weightCache: PackedWeightCache? = nil
) {
    if g.isDepthwise {
        // The depthwise kernel adds a bias itself, but cannot scale the sum first.
        depthwiseForward(output: output, input: input, weight: weight, bias: scale == nil ? bias : nil, geometry: g)
        applyChannelEpilogue(output, batch: g.batch, channels: g.outputChannels, spatial: g.outputHeight * g.outputWidth,
                             scale: scale, bias: scale == nil ? nil : bias, relu: relu)
        return
    }
    if g.prefersWinograd(weightsKept: weightCache != nil) {
        conv2dForwardWinograd(output: output, input: input, weight: weight, bias: bias, geometry: g, scale: scale, relu: relu,
                              weightCache: weightCache)
        return
    }
    if g.prefersDirect {
        conv2dForwardDirect(output: output, input: input, weight: weight, bias: bias, geometry: g, scale: scale, relu: relu)
        return
    }
    if g.prefersImplicitGEMM {
        conv2dForwardImplicitGEMM(output: output, input: input, weight: weight, bias: bias, geometry: g, scale: scale, relu: relu,
                                  weightCache: weightCache)
        return
    }
    withPackedWeights(g, transposed: false, weight: weight, cache: weightCache) { packed in
        forEachImageRange(g, parts: imageParts(g)) { images, _ in
            withColumnsWorkspace(g) { columns in
                for n in images {
                    convForwardImage(n, output: output, input: input, weight: weight,
                                     workspace: columns, packedWeights: packed, geometry: g)
                    // The epilogue, while this image's outputs are still in cache.
                    applyChannelEpilogue(output + n * g.outputChannels * g.outputHeight * g.outputWidth, batch: 1,
                                         channels: g.outputChannels, spatial: g.outputHeight * g.outputWidth,
                                         scale: scale, bias: bias, relu: relu)
                }
            }
        }
    }
}

/// `y = y·scale[k] + bias[k]` (a multiply then an add), then `y < 0 ? 0 : y` when `relu`, over
/// `[batch, channels, spatial]` in place; `scale` and `bias` may be nil (1 and 0). Threaded
/// over the planes when called outside a parallel region.
func applyChannelEpilogue(_ y: UnsafeMutablePointer<Float>, batch: Int, channels: Int, spatial: Int,
                          scale: UnsafePointer<Float>?, bias: UnsafePointer<Float>?, relu: Bool) {
    guard scale != nil || bias != nil || relu else { return }
    Parallel.forRanges(batch * channels, grain: max(1, (1 << 15) / max(1, spatial))) { planes in
        for plane in planes {
            let k = plane % channels, row = y + plane * spatial
            let s = scale?[k] ?? 1, b = bias?[k] ?? 0
            switch (scale != nil, relu) {
            case (true, true): for i in 0..<spatial { let v = row[i] * s + b; row[i] = v < 0 ? 0 : v }
            case (true, false): for i in 0..<spatial { row[i] = row[i] * s + b }
            case (false, true): for i in 0..<spatial { let v = row[i] + b; row[i] = v < 0 ? 0 : v }
            case (false, false): for i in 0..<spatial { row[i] += b }
            }
        }
    }
}

/// Runs `body` with the weights packed once for every image's product (forward: W; input
/// gradient: Wᵀ), kept in `cache` if there is one, or with nil when not `needed` or for grouped
/// convolutions, whose per-group products pack their own.
private func withPackedWeights(_ g: Conv2DGeometry, transposed: Bool, weight: UnsafePointer<Float>,
                               needed: Bool = true, cache: PackedWeightCache? = nil, _ body: (PackedOperandA?) -> Void) {
    let Kg = g.outputChannelsPerGroup, CRSg = g.inputChannelsPerGroup * g.kernelHeight * g.kernelWidth
    guard g.groups == 1, needed else { return body(nil) }
    withPackedA(transA: transposed, m: transposed ? CRSg : Kg, k: transposed ? Kg : CRSg, a: weight, lda: CRSg,
                cache: cache) { body($0) }
}

/// Gradients of ``conv2dForward(output:input:weight:bias:geometry:scale:relu:weightCache:)``. Each non-`nil` gradient
/// buffer is accumulated into (`+=`), or overwritten when `accumulate` is false; pass `nil` for
/// gradients that are not needed.
///
/// Overwriting is the cheaper way to fill fresh buffers: where the input-gradient path can write
/// its sums directly (depthwise, Winograd, implicit GEMM, 1×1 layers) the buffer is never read nor
/// zeroed first, which saves two passes over an image-sized buffer (depthwise forward + backward
/// at batch 16, 64×56×56: 3.65 → 3.15 ms). The results are the same bits as accumulating into
/// zeros (but for the sign of a zero).
///
/// - Parameters:
///   - dInput: `[N, C, H, W]`, accumulated or overwritten.
///   - dWeight: `[K, C/groups, R, S]`, accumulated or overwritten.
///   - dBias: `[K]`, the sum of `dOutput` over N, P and Q, accumulated or overwritten.
///   - dOutput: `[N, K, P, Q]`.
///   - input: `[N, C, H, W]`, the forward input (read only when `dWeight` is wanted).
///   - weight: `[K, C/groups, R, S]` (read only when `dInput` is wanted).
///   - g: a geometry whose ``Conv2DGeometry/validationFailure`` is `nil`.
///   - accumulate: add to the buffers (the default), or overwrite them (their contents may be
///     uninitialized).
public func conv2dBackward(
    dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
    dBias: UnsafeMutablePointer<Float>?, dOutput: UnsafePointer<Float>,
    input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: Conv2DGeometry, accumulate: Bool = true
) {
    if !accumulate {
        // The weight and bias gradients are small: every path below adds into them once cleared.
        // The input gradient is image-sized; each path overwrites it or clears it image by image.
        dWeight?.initialize(repeating: 0, count: g.weightCount)
        dBias?.initialize(repeating: 0, count: g.outputChannels)
    }
    // Paths that compute one of the two gradients on their own; whatever is left goes through
    // im2col below (both gradients of an image from one column matrix).
    var dInput = dInput, dWeight = dWeight
    if g.isDepthwise {
        depthwiseBackward(dInput: dInput, dWeight: dWeight, dBias: dBias, dOutput: dOutput, input: input, weight: weight,
                          geometry: g, accumulateInput: accumulate)
        return
    }
    if let dw = dWeight, g.prefersDirectWeightGradient {
        // The bias gradient rides along (one pass over dOutput for both).
        conv2dBackwardWeightDirect(dWeight: dw, dBias: dBias, dOutput: dOutput, input: input, geometry: g)
        dWeight = nil
    } else if let dBias {
        convBiasBackward(dBias: dBias, dOutput: dOutput, geometry: g)
    }
    guard dInput != nil || dWeight != nil else { return }
    if let dx = dInput, let back = g.inputGradientAsConvolution, g.prefersWinograd() || g.prefersImplicitInputGradient {
        // dInput (+)= the forward convolution of dOutput with the kernels flipped and transposed.
        withFlippedTransposedWeights(weight, geometry: g) { flipped in
            if g.prefersWinograd() {
                conv2dForwardWinograd(output: dx, input: dOutput, weight: flipped, bias: nil, geometry: back, accumulate: accumulate)
            } else {
                conv2dForwardImplicitGEMM(output: dx, input: dOutput, weight: flipped, bias: nil, geometry: back,
                                          accumulate: accumulate)
            }
        }
        dInput = nil
    }
    if let dw = dWeight, g.prefersWinogradWeightGradient {
        conv2dBackwardWeightWinograd(dWeight: dw, dOutput: dOutput, input: input, geometry: g)
        dWeight = nil
    }
    let parts = imageParts(g)
    if let dw = dWeight, g.prefersImplicitWeightGradient(parts: parts) {
        forEachImageRange(g, parts: parts, accumulatingInto: dw) { images, target in
            conv2dBackwardWeightImplicitGEMM(dWeight: target, dOutput: dOutput, input: input, images: images, geometry: g)
        }
        dWeight = nil
    }
    guard dInput != nil || dWeight != nil else { return }
    withPackedWeights(g, transposed: true, weight: weight, needed: dInput != nil) { packed in
        guard let dWeight, parts > 1 else {
            forEachImageRange(g, parts: parts) { images, _ in
                convBackwardImages(images, dInput: dInput, dWeight: dWeight, dOutput: dOutput, input: input,
                                   weight: weight, packedWeights: packed, geometry: g, accumulateInput: accumulate)
            }
            return
        }
        forEachImageRange(g, parts: parts, accumulatingInto: dWeight) { images, target in
            convBackwardImages(images, dInput: dInput, dWeight: target, dOutput: dOutput, input: input,
                               weight: weight, packedWeights: packed, geometry: g, accumulateInput: accumulate)
        }
    }
}

extension Conv2DGeometry {
    /// For a stride-1 convolution of one group, the convolution whose forward pass over dOutput,
    /// with the kernels flipped and their channel axes swapped (``withFlippedTransposedWeights``),
    /// is the input gradient: dOutput padded by dilation·(kernel − 1) − pad per side. Nil for
    /// other strides or groups, or a pad wider than dilation·(kernel − 1).
    var inputGradientAsConvolution: Conv2DGeometry? {
        guard strideHeight == 1, strideWidth == 1, groups == 1 else { return nil }
        let spanH = dilationHeight * (kernelHeight - 1), spanW = dilationWidth * (kernelWidth - 1)
        let back = Conv2DGeometry(
            batch: batch, inputChannels: outputChannels, inputHeight: outputHeight, inputWidth: outputWidth,
            outputChannels: inputChannels, kernelHeight: kernelHeight, kernelWidth: kernelWidth,
            dilationHeight: dilationHeight, dilationWidth: dilationWidth,
            padTop: spanH - padTop, padBottom: spanH - padBottom, padLeft: spanW - padLeft, padRight: spanW - padRight)
        guard [back.padTop, back.padBottom, back.padLeft, back.padRight].allSatisfy({ $0 >= 0 }),
              back.outputHeight == inputHeight, back.outputWidth == inputWidth else { return nil }
        return back
    }
}

/// Runs `body` with the `[C, K, R, S]` weights of ``Conv2DGeometry/inputGradientAsConvolution``:
/// `W[k, c]` flipped in both spatial axes, at `[c, k]`.
private func withFlippedTransposedWeights(_ weight: UnsafePointer<Float>, geometry g: Conv2DGeometry,
                                          _ body: (UnsafePointer<Float>) -> Void) {
    let K = g.outputChannels, C = g.inputChannels, taps = g.kernelHeight * g.kernelWidth
    Workspace.withBuffer(capacity: g.weightCount) { flipped in
        for k in 0..<K {
            for c in 0..<C {
                let src = weight + (k * C + c) * taps, dst = flipped + (c * K + k) * taps
                for t in 0..<taps { dst[t] = src[taps - 1 - t] }
            }
        }
        body(UnsafePointer(flipped))
    }
}

/// The backward pass of a range of images with one columns workspace.
private func convBackwardImages(
    _ images: Range<Int>, dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
    dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    packedWeights: PackedOperandA?, geometry g: Conv2DGeometry, accumulateInput: Bool
) {
    withColumnsWorkspace(g) { columns in
        for n in images {
            convBackwardImage(n, dInput: dInput, dWeight: dWeight, dOutput: dOutput, input: input, weight: weight,
                              workspace: columns, packedWeights: packedWeights, geometry: g, accumulateInput: accumulateInput)
        }
    }
}

// MARK: - Per image

private func convForwardImage(
    _ n: Int, output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    workspace: UnsafeMutablePointer<Float>?, packedWeights: PackedOperandA?, geometry g: Conv2DGeometry
) {
    let PQ = g.outputHeight * g.outputWidth, HW = g.inputHeight * g.inputWidth
    let Kg = g.outputChannelsPerGroup, CRSg = g.inputChannelsPerGroup * g.kernelHeight * g.kernelWidth
    let x = input + n * g.inputChannels * HW
    let y = output + n * g.outputChannels * PQ
    let col = columnsOf(image: x, workspace: workspace, geometry: g)
    for group in 0..<g.groups {
        sgemm(transA: false, transB: false, m: Kg, n: PQ, k: CRSg,
              alpha: 1, a: weight + group * Kg * CRSg, lda: CRSg,
              b: col + group * CRSg * PQ, ldb: PQ,
              beta: 0, c: y + group * Kg * PQ, ldc: PQ, packedA: packedWeights)
    }
}

private func convBackwardImage(
    _ n: Int, dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
    dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    workspace: UnsafeMutablePointer<Float>?, packedWeights: PackedOperandA?, geometry g: Conv2DGeometry,
    accumulateInput: Bool
) {
    let PQ = g.outputHeight * g.outputWidth, HW = g.inputHeight * g.inputWidth
    let Kg = g.outputChannelsPerGroup, CRSg = g.inputChannelsPerGroup * g.kernelHeight * g.kernelWidth
    let dy = dOutput + n * g.outputChannels * PQ

    if let dWeight {
        let col = columnsOf(image: input + n * g.inputChannels * HW, workspace: workspace, geometry: g)
        for group in 0..<g.groups {
            sgemm(transA: false, transB: true, m: Kg, n: CRSg, k: PQ,
                  alpha: 1, a: dy + group * Kg * PQ, lda: PQ,
                  b: col + group * CRSg * PQ, ldb: PQ,
                  beta: 1, c: dWeight + group * Kg * CRSg, ldc: CRSg)
        }
    }
    if let dInput {
        let dx = dInput + n * g.inputChannels * HW
        // Pointwise: the column gradient is the image gradient, so the product writes it directly.
        let dcol = workspace ?? dx
        for group in 0..<g.groups {
            sgemm(transA: true, transB: false, m: CRSg, n: PQ, k: Kg,
                  alpha: 1, a: weight + group * Kg * CRSg, lda: CRSg,
                  b: dy + group * Kg * PQ, ldb: PQ,
                  beta: workspace == nil && accumulateInput ? 1 : 0, c: dcol + group * CRSg * PQ, ldc: PQ,
                  packedA: packedWeights)
        }
        if workspace != nil {
            // col2im adds; the image is cleared here, while it is about to be in cache anyway.
            if !accumulateInput { dx.initialize(repeating: 0, count: g.inputChannels * HW) }
            col2im(image: dx, columns: dcol, geometry: g)
        }
    }
}

/// dBias[k] += Σ over n, p, q of dOutput[n, k, p, q], summed in (n, p, q) order.
func convBiasBackward(dBias: UnsafeMutablePointer<Float>, dOutput: UnsafePointer<Float>, geometry g: Conv2DGeometry) {
    let K = g.outputChannels, PQ = g.outputHeight * g.outputWidth, N = g.batch
    Parallel.forRanges(K, grain: max(1, (1 << 15) / max(1, N * PQ))) { channels in
        for k in channels {
            var total: Float = 0
            for n in 0..<N { total += blockSum(dOutput + (n * K + k) * PQ, count: PQ) }
            dBias[k] += total
        }
    }
}

// MARK: - Threading and workspaces

/// How many contiguous image ranges a convolution runs in parallel (1 = images run serially).
private func imageParts(_ g: Conv2DGeometry) -> Int {
    let threads = Parallel.availableThreads
    return threads > 1 && g.batch >= threads ? threads : 1
}

/// Runs `body(images, part)` for each of `parts` contiguous ranges of images, in parallel.
private func forEachImageRange(_ g: Conv2DGeometry, parts: Int, _ body: (Range<Int>, Int) -> Void) {
    if parts == 1 {
        body(0..<g.batch, 0)
    } else {
        Parallel.forEach(parts) { part in body(Parallel.range(of: part, parts: parts, count: g.batch), part) }
    }
}

/// Runs `body(images, target)` for each of `parts` contiguous ranges of images, in parallel, each
/// accumulating its share of the weight gradient into `target`: part 0 straight into `dWeight`,
/// the others into zeroed partial buffers that are then added in part order (so the sum does
/// not depend on timing).
private func forEachImageRange(_ g: Conv2DGeometry, parts: Int, accumulatingInto dWeight: UnsafeMutablePointer<Float>,
                               _ body: (Range<Int>, UnsafeMutablePointer<Float>) -> Void) {
    guard parts > 1 else { return body(0..<g.batch, dWeight) }
    let weightCount = g.weightCount
    Workspace.withBuffer(capacity: (parts - 1) * weightCount) { partials in
        partials.initialize(repeating: 0, count: (parts - 1) * weightCount)
        forEachImageRange(g, parts: parts) { images, part in
            body(images, part == 0 ? dWeight : partials + (part - 1) * weightCount)
        }
        addPartials(UnsafePointer(partials), parts: parts - 1, count: weightCount, into: dWeight)
    }
}

/// `target[i] += partials[p·count + i]` for each of `parts` partial sums, in part order (so the
/// total does not depend on how the work was split or timed), elements over the threads.
func addPartials(_ partials: UnsafePointer<Float>, parts: Int, count: Int, into target: UnsafeMutablePointer<Float>) {
    Parallel.forRanges(count, grain: 1 << 15) { range in
        for p in 0..<parts {
            let partial = partials + p * count
            for i in range { target[i] += partial[i] }
        }
    }
}

/// The column matrix of one image: the image itself for a pointwise convolution, otherwise
/// im2col into `workspace`.
@inline(__always)
private func columnsOf(image: UnsafePointer<Float>, workspace: UnsafeMutablePointer<Float>?, geometry g: Conv2DGeometry) -> UnsafePointer<Float> {
    guard let workspace else { return image }
    im2col(columns: workspace, image: image, geometry: g)
    return UnsafePointer(workspace)
}

/// Runs `body` with one thread's columns buffer, `[C·R·S, P·Q]` borrowed from ``Workspace``,
/// or `nil` for a pointwise convolution (which needs none).
private func withColumnsWorkspace(_ g: Conv2DGeometry, _ body: (UnsafeMutablePointer<Float>?) -> Void) {
    if g.isPointwise {
        body(nil)
    } else {
        Workspace.withBuffer(capacity: g.columnRows * g.outputHeight * g.outputWidth) { body($0) }
    }
}

/// Sum of `count` floats with eight independent partial sums (vectorisable, fixed order).
@inline(__always)
func blockSum(_ x: UnsafePointer<Float>, count: Int) -> Float {
    var acc = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
        acc += UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        i += 8
    }
    var total = acc.sum()
    while i < count { total += x[i]; i += 1 }
    return total
}
