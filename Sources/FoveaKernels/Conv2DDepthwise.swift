// Direct depthwise convolution (one input channel per group), forward and backward.
// N batch, C input channels = G groups, K = C·M output channels (M per channel), H×W input, R×S kernel, P×Q output
//
// im2col + GEMM is a poor fit here: each group's GEMM is M×(R·S)·(P·Q), tiny in two dimensions,
// and the column matrix is R·S times the image. Instead each output plane is built tap by tap:
// for each (r, s), a scaled, shifted input row is added to every output row it reaches. The taps
// are added in (r, s) order starting from the bias, exactly as the naive definition does, so the
// forward results are identical to conv2dForwardNaive. Work splits over planes (forward, input
// gradient) and over output channels (weight gradient); every sum has a fixed order. With AVX-512
// and one output channel per input channel, the backward runs plane by plane for all three
// gradients at once (`depthwiseBackwardByPlanes`).
//
// With column stride 1 (and a kernel at most 64 wide) on a CPU with AVX-512, each plane goes to a C kernel instead
// (Sources/CFoveaKernels/direct_avx512.c) that keeps 16 output columns in a register across all
// taps. It adds in the same order as the Swift loops here (forward and input gradient give the same
// bits); the weight gradient's dot products are summed in a different order (16 lanes, FMA).

import CFoveaKernels

/// True when the AVX-512 direct kernels (depthwise convolution, max pooling) may run here.
let directAVX512Available = fovea_direct_avx512_available() != 0

extension Conv2DGeometry {
    /// True when every group has exactly one input channel and there are several groups
    /// (`groups == C > 1`): a depthwise convolution, computed by a direct kernel.
    public var isDepthwise: Bool { groups > 1 && inputChannelsPerGroup == 1 }
}

/// Depthwise forward: `y[n,k] = bias[k] + Σ_{r,s} W[k,0,r,s] · shift_{r,s}(x[n, k/M])`.
func depthwiseForward(
    output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    bias: UnsafePointer<Float>?, geometry g: Conv2DGeometry
) {
    let K = g.outputChannels, M = g.outputChannelsPerGroup, RS = g.kernelHeight * g.kernelWidth
    let HW = g.inputHeight * g.inputWidth, PQ = g.outputHeight * g.outputWidth
    let useAVX512 = directAVX512Available && g.strideWidth == 1 && g.kernelWidth <= FOVEA_DEPTHWISE_MAX_KERNEL_WIDTH
    Parallel.forRanges(g.batch * K, grain: max(1, (1 << 15) / max(1, PQ * RS))) { planes in
        for plane in planes {
            let n = plane / K, k = plane % K
            let y = output + plane * PQ
            if useAVX512 {
                fovea_depthwise_forward_plane_avx512(
                    y, input + (n * g.inputChannels + k / M) * HW, weight + k * RS, bias?[k] ?? 0,
                    g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth,
                    g.strideHeight, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth)
                continue
            }
            y.update(repeating: bias?[k] ?? 0, count: PQ)
            forEachTap(g) { r, s, p, qs, offset, h in
                let w = weight[k * RS + r * g.kernelWidth + s]
                let x = input + (n * g.inputChannels + k / M) * HW + h * g.inputWidth
                let out = y + p * g.outputWidth
                if g.strideWidth == 1 {
                    for q in qs { out[q] += w * x[q + offset] }
                } else {
                    for q in qs { out[q] += w * x[q * g.strideWidth + offset] }
                }
            }
        }
    }
}

/// Depthwise backward; `dWeight` and `dBias` accumulate (`+=`), and so does `dInput` when
/// `accumulateInput`, which is otherwise overwritten without being read.
func depthwiseBackward(
    dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?,
    dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    geometry g: Conv2DGeometry, accumulateInput: Bool
) {
    let C = g.inputChannels, K = g.outputChannels, M = g.outputChannelsPerGroup
    let RS = g.kernelHeight * g.kernelWidth
    let HW = g.inputHeight * g.inputWidth, PQ = g.outputHeight * g.outputWidth, sw = g.strideWidth
    let useAVX512 = directAVX512Available && sw == 1 && g.kernelWidth <= FOVEA_DEPTHWISE_MAX_KERNEL_WIDTH
    if useAVX512, M == 1, let dWeight {
        depthwiseBackwardByPlanes(dInput: dInput, dWeight: dWeight, dBias: dBias, dOutput: dOutput, input: input,
                                  weight: weight, geometry: g, accumulateInput: accumulateInput)
        return
    }
    if let dBias { convBiasBackward(dBias: dBias, dOutput: dOutput, geometry: g) }
    if let dInput {
        // Input plane (n, c) gathers from output channels c·M ..< (c+1)·M; planes are disjoint.
        Parallel.forRanges(g.batch * C, grain: max(1, (1 << 15) / max(1, M * PQ * RS))) { planes in
            for plane in planes {
                let n = plane / C, c = plane % C
                if useAVX512 {
                    fovea_depthwise_backward_input_plane_avx512(
                        dInput + plane * HW, dOutput + (n * K + c * M) * PQ, weight + c * M * RS, M, accumulateInput ? 1 : 0,
                        g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth,
                        g.strideHeight, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth)
                    continue
                }
                if !accumulateInput { (dInput + plane * HW).initialize(repeating: 0, count: HW) }
                for k in (c * M)..<((c + 1) * M) {
                    let dy = dOutput + (n * K + k) * PQ
                    forEachTap(g) { r, s, p, qs, offset, h in
                        let w = weight[k * RS + r * g.kernelWidth + s]
                        let dx = dInput + plane * HW + h * g.inputWidth
                        let grad = dy + p * g.outputWidth
                        if sw == 1 {
                            for q in qs { dx[q + offset] += w * grad[q] }
                        } else {
                            for q in qs { dx[q * sw + offset] += w * grad[q] }
                        }
                    }
                }
            }
        }
    }
    if let dWeight {
        // Each weight is one dot product over all images and output positions, in (n, p, q) order.
        Parallel.forRanges(K, grain: max(1, (1 << 15) / max(1, g.batch * PQ * RS))) { channels in
            for k in channels {
                let c = k / M
                if useAVX512 {
                    fovea_depthwise_backward_weight_avx512(
                        dWeight + k * RS, dOutput + k * PQ, input + c * HW, g.batch, K * PQ, C * HW,
                        g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth,
                        g.strideHeight, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth)
                    continue
                }
                for r in 0..<g.kernelHeight {
                    for s in 0..<g.kernelWidth {
                        var total: Float = 0
                        for n in 0..<g.batch {
                            let dy = dOutput + (n * K + k) * PQ, x = input + (n * C + c) * HW
                            forEachRow(g, r: r, s: s) { p, qs, offset, h in
                                let row = x + h * g.inputWidth, grad = dy + p * g.outputWidth
                                var sum: Float = 0
                                if sw == 1 {
                                    for q in qs { sum += grad[q] * row[q + offset] }
                                } else {
                                    for q in qs { sum += grad[q] * row[q * sw + offset] }
                                }
                                total += sum
                            }
                        }
                        dWeight[k * RS + r * g.kernelWidth + s] += total
                    }
                }
            }
        }
    }
}

/// The gradients of a depthwise layer (one output channel per input channel, AVX-512), plane by
/// plane: each output-gradient plane is read from memory once and used for the input-gradient
/// plane, the plane's weight-gradient sums and its bias sum while it is in cache (one pass over
/// dy instead of three: the backward is bound by memory traffic, not FMAs). The per-plane sums are
/// added up over the images in image order afterwards, so results do not depend on the thread
/// count, nor on which other gradients are asked for; the bias gradient adds the same plane sums in
/// the same order as `convBiasBackward`.
private func depthwiseBackwardByPlanes(
    dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>, dBias: UnsafeMutablePointer<Float>?,
    dOutput: UnsafePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: Conv2DGeometry,
    accumulateInput: Bool
) {
    let K = g.outputChannels, RS = g.kernelHeight * g.kernelWidth, sums = RS + 1
    let HW = g.inputHeight * g.inputWidth, PQ = g.outputHeight * g.outputWidth
    Workspace.withBuffer(capacity: g.batch * K * sums) { partials in
        Parallel.forRanges(g.batch * K, grain: max(1, (1 << 15) / max(1, PQ * RS))) { planes in
            for plane in planes {
                let k = plane % K, dy = dOutput + plane * PQ, part = partials + plane * sums
                if let dInput {
                    fovea_depthwise_backward_input_plane_avx512(
                        dInput + plane * HW, dy, weight + k * RS, 1, accumulateInput ? 1 : 0,
                        g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth,
                        g.strideHeight, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth)
                }
                part.initialize(repeating: 0, count: RS)
                fovea_depthwise_backward_weight_avx512(
                    part, dy, input + plane * HW, 1, K * PQ, K * HW,
                    g.inputHeight, g.inputWidth, g.outputHeight, g.outputWidth, g.kernelHeight, g.kernelWidth,
                    g.strideHeight, g.padTop, g.padLeft, g.dilationHeight, g.dilationWidth)
                part[RS] = dBias == nil ? 0 : blockSum(dy, count: PQ)
            }
        }
        Parallel.forRanges(K, grain: max(1, 4096 / max(1, g.batch * sums))) { channels in
            for k in channels {
                for t in 0..<RS {
                    var total: Float = 0
                    for n in 0..<g.batch { total += partials[(n * K + k) * sums + t] }
                    dWeight[k * RS + t] += total
                }
                if let dBias {
                    var total: Float = 0
                    for n in 0..<g.batch { total += partials[(n * K + k) * sums + RS] }
                    dBias[k] += total
                }
            }
        }
    }
}

/// Calls `body(r, s, p, qs, offset, h)` for every tap (r, s) in order and every output row p
/// whose input row `h` for that tap is inside the image; `qs` are the output columns whose
/// input column `q·strideWidth + offset` is inside the image.
@inline(__always)
private func forEachTap(_ g: Conv2DGeometry, _ body: (Int, Int, Int, Range<Int>, Int, Int) -> Void) {
    for r in 0..<g.kernelHeight {
        for s in 0..<g.kernelWidth {
            forEachRow(g, r: r, s: s) { p, qs, offset, h in body(r, s, p, qs, offset, h) }
        }
    }
}

/// The rows of one tap (r, s); see ``forEachTap(_:_:)``.
@inline(__always)
private func forEachRow(_ g: Conv2DGeometry, r: Int, s: Int, _ body: (Int, Range<Int>, Int, Int) -> Void) {
    let offset = s * g.dilationWidth - g.padLeft
    let qs = validOutputRange(offset: offset, stride: g.strideWidth, width: g.inputWidth, outputs: g.outputWidth)
    guard !qs.isEmpty else { return }
    let rowOffset = r * g.dilationHeight - g.padTop
    let ps = validOutputRange(offset: rowOffset, stride: g.strideHeight, width: g.inputHeight, outputs: g.outputHeight)
    for p in ps { body(p, qs, offset, p * g.strideHeight + rowOffset) }
}
