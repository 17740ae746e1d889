// Convolution over 1, 2 or 3 spatial dimensions behind one entry point. 1-D and 2-D problems run
// on the fast 2-D kernels (Conv2D.swift); 3-D runs here: vol2col + SGEMM per image, the same
// algebra as 2-D.
// N batch, C input channels, K output channels, G groups, X = ∏input, L = ∏output, T = ∏kernel
//   forward   y[n][g]  (Kg×L)     = W[g] (Kg×CTg) · col[g] (CTg×L)   (+ bias)
//   backward  dW[g]    (Kg×CTg)  += dy[n][g] · col[g]ᵀ;   dx[n] += col2vol(W[g]ᵀ · dy[n][g])

/// Cross-correlation of `[N, C, *spatial]` with `[K, C/groups, *kernel]`, then per output channel
/// an optional scale and bias and optionally ReLU (as ``conv2dForward(output:input:weight:bias:geometry:scale:relu:weightCache:)``,
/// which says what `weightCache` is; 3-D convolutions do not pack their weights and ignore it);
/// overwrites `output` `[N, K, *outputSize]`. The geometry must validate.
public func convolutionForward(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               bias: UnsafePointer<Float>?, geometry g: ConvNDGeometry,
                               scale: UnsafePointer<Float>? = nil, relu: Bool = false, weightCache: PackedWeightCache? = nil) {
    if let planar = g.planar {
        conv2dForward(output: output, input: input, weight: weight, bias: bias, geometry: planar, scale: scale, relu: relu,
                      weightCache: weightCache)
        return
    }
    let X = g.inputSize.reduce(1, *), L = g.outputSize.reduce(1, *)
    let Kg = g.outputChannelsPerGroup, CTg = g.columnRows / g.groups
    Workspace.withBuffer(capacity: g.columnRows * L) { col in
        for n in 0..<g.batch {
            vol2col(columns: col, image: input + n * g.inputChannels * X, geometry: g)
            let y = output + n * g.outputChannels * L
            for group in 0..<g.groups {
                sgemm(transA: false, transB: false, m: Kg, n: L, k: CTg, alpha: 1, a: weight + group * Kg * CTg, lda: CTg,
                      b: col + group * CTg * L, ldb: L, beta: 0, c: y + group * Kg * L, ldc: L)
            }
            applyChannelEpilogue(y, batch: 1, channels: g.outputChannels, spatial: L, scale: scale, bias: bias, relu: relu)
        }
    }
}

/// Gradients of ``convolutionForward``; each non-nil buffer is accumulated into (`+=`), or
/// overwritten when `accumulate` is false (see
/// ``conv2dBackward(dInput:dWeight:dBias:dOutput:input:weight:geometry:accumulate:)``).
public func convolutionBackward(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
                                dBias: UnsafeMutablePointer<Float>?, dOutput: UnsafePointer<Float>,
                                input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvNDGeometry,
                                accumulate: Bool = true) {
    if let planar = g.planar {
        conv2dBackward(dInput: dInput, dWeight: dWeight, dBias: dBias, dOutput: dOutput, input: input, weight: weight,
                       geometry: planar, accumulate: accumulate)
        return
    }
    let X = g.inputSize.reduce(1, *), L = g.outputSize.reduce(1, *)
    if !accumulate {
        // vol2col's products and col2vol add: start them from zero.
        dInput?.initialize(repeating: 0, count: g.batch * g.inputChannels * X)
        dWeight?.initialize(repeating: 0, count: g.weightCount)
        dBias?.initialize(repeating: 0, count: g.outputChannels)
    }
    let Kg = g.outputChannelsPerGroup, CTg = g.columnRows / g.groups
    if let dBias {
        for n in 0..<g.batch { for k in 0..<g.outputChannels { dBias[k] += blockSum(dOutput + (n * g.outputChannels + k) * L, count: L) } }
    }
    guard dInput != nil || dWeight != nil else { return }
    Workspace.withBuffer(capacity: g.columnRows * L) { col in
        for n in 0..<g.batch {
            let dy = dOutput + n * g.outputChannels * L
            if let dWeight {
                vol2col(columns: col, image: input + n * g.inputChannels * X, geometry: g)
                for group in 0..<g.groups {
                    sgemm(transA: false, transB: true, m: Kg, n: CTg, k: L, alpha: 1, a: dy + group * Kg * L, lda: L,
                          b: col + group * CTg * L, ldb: L, beta: 1, c: dWeight + group * Kg * CTg, ldc: CTg)
                }
            }
            if let dInput {
                for group in 0..<g.groups {
                    sgemm(transA: true, transB: false, m: CTg, n: L, k: Kg, alpha: 1, a: weight + group * Kg * CTg, lda: CTg,
                          b: dy + group * Kg * L, ldb: L, beta: 0, c: col + group * CTg * L, ldc: L)
                }
                col2vol(image: dInput + n * g.inputChannels * X, columns: col, geometry: g)
            }
        }
    }
}

/// The definition, by direct summation: the twin every N-d path is tested against.
public func convolutionForwardNaive(output: UnsafeMutablePointer<Float>, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                    bias: UnsafePointer<Float>?, geometry g: ConvNDGeometry) {
    let L = g.volume.output.reduce(1, *)
    for n in 0..<g.batch { for k in 0..<g.outputChannels { for o in 0..<L {
        var sum = bias?[k] ?? 0
        forEachWeightTap(n: n, k: k, outputIndex: o, geometry: g) { x, w in sum += input[x] * weight[w] }
        output[(n * g.outputChannels + k) * L + o] = sum
    } } }
}

/// Gradients by direct summation (accumulating), the twin of ``convolutionBackward``.
public func convolutionBackwardNaive(dInput: UnsafeMutablePointer<Float>?, dWeight: UnsafeMutablePointer<Float>?,
                                     dBias: UnsafeMutablePointer<Float>?, dOutput: UnsafePointer<Float>,
                                     input: UnsafePointer<Float>, weight: UnsafePointer<Float>, geometry g: ConvNDGeometry) {
    let L = g.volume.output.reduce(1, *)
    for n in 0..<g.batch { for k in 0..<g.outputChannels { for o in 0..<L {
        let d = dOutput[(n * g.outputChannels + k) * L + o]
        dBias?[k] += d
        forEachWeightTap(n: n, k: k, outputIndex: o, geometry: g) { x, w in
            dInput?[x] += d * weight[w]
            dWeight?[w] += d * input[x]
        }
    } } }
}

/// Calls `body(inputIndex, weightIndex)` for every in-bounds tap of output `(n, k, o)`.
private func forEachWeightTap(n: Int, k: Int, outputIndex o: Int, geometry g: ConvNDGeometry, _ body: (Int, Int) -> Void) {
    let v = g.volume
    let (T, R, S) = (v.kernel[0], v.kernel[1], v.kernel[2]), (D, H, W) = (v.input[0], v.input[1], v.input[2])
    let (P, Q) = (v.output[1], v.output[2])
    let od = o / (P * Q), op = (o / Q) % P, oq = o % Q
    let cg = g.inputChannelsPerGroup, group = k / g.outputChannelsPerGroup
    for c in 0..<cg { for t in 0..<T { for r in 0..<R { for s in 0..<S {
        let d = od * v.stride[0] - v.padBefore[0] + t * v.dilation[0]
        let h = op * v.stride[1] - v.padBefore[1] + r * v.dilation[1]
        let w = oq * v.stride[2] - v.padBefore[2] + s * v.dilation[2]
        guard d >= 0, d < D, h >= 0, h < H, w >= 0, w < W else { continue }
        let channel = group * cg + c
        body((((n * g.inputChannels + channel) * D + d) * H + h) * W + w, (((k * cg + c) * T + t) * R + r) * S + s)
    } } } }
}
