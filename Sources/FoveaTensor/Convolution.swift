// The differentiable convolution over 1, 2 or 3 spatial dimensions (cross-correlation, as every
// framework computes it), and its true-convolution twin with the kernel flipped.
// N batch, C input channels, K output channels; spatial sizes outermost first.

import FoveaKernels

extension Tensor {
    /// Cross-correlation of `[N, C, *spatial]` (1 to 3 spatial dimensions: NCW, NCHW, NCDHW) with
    /// `weight [K, C/groups, *kernel]`, plus an optional `bias [K]`.
    ///
    /// Output `[N, K, *out]` with `out = (in + padBefore + padAfter − dilation·(k − 1) − 1) / stride + 1`
    /// per spatial dimension. `groups` splits the channels into independent convolutions
    /// (depthwise when `groups == C`).
    /// - Parameters:
    ///   - stride, dilation: one value per spatial dimension, or one value for all.
    ///   - padding: see ``Padding``.
    ///   - fusingReLU: return `relu(convolution)` computed in the same pass (the values, and the
    ///     gradients, of `convolution(…).relu()` without its intermediate tensor).
    /// - Throws: ``TensorError`` naming the shapes or values that do not fit.
    public func convolution(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: Padding = .valid,
                            dilation: [Int] = [1], groups: Int = 1, fusingReLU: Bool = false) throws -> Tensor {
        try crossCorrelation(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                             operation: "convolution", relu: fusingReLU)
    }

    /// Inference only: `relu?(convolution(x, weight)·scale[k] + shift[k])` in one pass, which is a
    /// convolution followed by an inference-mode batch normalisation (scale = γ/√(var + ε),
    /// shift = β − mean·scale, with any convolution bias folded into shift) and optionally a ReLU.
    /// - Throws: ``TensorError`` as ``convolution(weight:bias:stride:padding:dilation:groups:fusingReLU:)``,
    ///   when `scale` or `shift` is not `[K]`, or when the result would be recorded for gradients
    ///   (this operation has no pullback: use the unfused layers while training).
    public func convolutionInference(weight: Tensor, scale: Tensor, shift: Tensor, stride: [Int] = [1], padding: Padding = .valid,
                                     dilation: [Int] = [1], groups: Int = 1, fusingReLU: Bool = false) throws -> Tensor {
        let operation = "convolutionInference"
        guard !Tensor.willRecord(inputs: [self, weight, scale, shift]) else {
            throw TensorError.invalidArgument(operation: operation, reason: "it is not differentiable: call it with gradient recording off or on untracked tensors")
        }
        let g = try Tensor.convolutionGeometry(input: shape, weight: weight.shape, bias: shift.shape, stride: stride,
                                               padding: padding, dilation: dilation, groups: groups, operation: operation)
        guard scale.shape == [g.outputChannels] else {
            throw TensorError.shapeMismatch(operation: operation, weight.shape, scale.shape, reason: "scale must be [\(g.outputChannels)]")
        }
        let value = Tensor(uninitializedShape: [g.batch, g.outputChannels] + g.outputSize)
        convolutionForward(output: value.storage.pointer, input: pointer, weight: weight.pointer, bias: shift.pointer,
                           geometry: g, scale: scale.pointer, relu: fusingReLU, weightCache: Tensor.packedWeights(of: weight))
        return value
    }

    func crossCorrelation(weight: Tensor, bias: Tensor?, stride: [Int], padding: Padding, dilation: [Int], groups: Int,
                          operation: String, relu: Bool = false) throws -> Tensor {
        let g = try Tensor.convolutionGeometry(input: shape, weight: weight.shape, bias: bias?.shape, stride: stride,
                                               padding: padding, dilation: dilation, groups: groups, operation: operation)
        let value = Tensor(uninitializedShape: [g.batch, g.outputChannels] + g.outputSize)
        convolutionForward(output: value.storage.pointer, input: pointer, weight: weight.pointer, bias: bias?.pointer,
                           geometry: g, relu: relu, weightCache: Tensor.packedWeights(of: weight))
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.recording(value, inputs: inputs) { [self] grad, needed in
            // Through a fused ReLU the gradient passes where the output is positive, as
            // `relu()`'s does where its input is.
            var dy = grad
            if relu {
                dy = Tensor(zeroedShape: value.shape)
                reluBackward(dInput: dy.storage.pointer, dOutput: grad.pointer, input: value.pointer, count: value.count)
            }
            // Fresh buffers, overwritten by the kernels (never zeroed first: see `accumulate`).
            let dx = needed[0] ? Tensor(uninitializedShape: shape) : nil
            let dw = needed[1] ? Tensor(uninitializedShape: weight.shape) : nil
            let db = needed.count > 2 && needed[2] ? Tensor(uninitializedShape: [g.outputChannels]) : nil
            convolutionBackward(dInput: dx?.storage.pointer, dWeight: dw?.storage.pointer, dBias: db?.storage.pointer,
                                dOutput: dy.pointer, input: self.pointer, weight: weight.pointer, geometry: g,
                                accumulate: false)
            return Array([dx, dw, db].prefix(inputs.count))
        }
    }

    /// Where `weight`'s packed copies are kept between calls: weights that are not being trained
    /// (no gradient recorded for them) stay the same from call to call, so they are packed once.
    /// Trained weights change after every step, and a kept copy would only hold memory.
    static func packedWeights(of weight: Tensor) -> PackedWeightCache? {
        willRecord(inputs: [weight]) ? nil : weight.storage.packedWeights
    }

    /// 1-D cross-correlation of a time series `[N, C, W]` with `weight [K, C/groups, S]`
    /// (see ``convolution(weight:bias:stride:padding:dilation:groups:fusingReLU:)``).
    /// - Throws: when the input is not rank 3, or as `convolution`.
    public func conv1d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: Padding = .valid,
                       dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try checkConvolutionRank(3, weight: weight, operation: "conv1d", layout: "[N, C, W]")
        return try crossCorrelation(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                    operation: "conv1d")
    }

    /// 2-D cross-correlation of an NCHW batch with `weight [K, C/groups, R, S]`: output `[N, K, P, Q]`
    /// with `P = (H + padTop + padBottom − dilation·(R − 1) − 1) / stride + 1` (likewise Q).
    /// - Throws: when the input is not rank 4, or as `convolution`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: Padding = .valid,
                       dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try checkConvolutionRank(4, weight: weight, operation: "conv2d", layout: "[N, C, H, W]")
        return try crossCorrelation(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                    operation: "conv2d")
    }

    /// 3-D cross-correlation of an NCDHW batch with `weight [K, C/groups, T, R, S]`.
    /// - Throws: when the input is not rank 5, or as `convolution`.
    public func conv3d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: Padding = .valid,
                       dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        try checkConvolutionRank(5, weight: weight, operation: "conv3d", layout: "[N, C, D, H, W]")
        return try crossCorrelation(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                    operation: "conv3d")
    }

    private func checkConvolutionRank(_ expected: Int, weight: Tensor, operation: String, layout: String) throws {
        guard rank == expected else {
            throw TensorError.shapeMismatch(operation: operation, shape, weight.shape, reason: "input must be \(layout)")
        }
    }

    /// Validates a convolution's arguments and resolves them into the kernel's geometry.
    static func convolutionGeometry(input: [Int], weight: [Int], bias: [Int]?, stride: [Int], padding: Padding,
                                    dilation: [Int], groups: Int, operation: String) throws -> ConvNDGeometry {
        guard (3...5).contains(input.count) else {
            throw TensorError.shapeMismatch(operation: operation, input, weight, reason: "input must be [N, C, W], [N, C, H, W] or [N, C, D, H, W]")
        }
        let dims = input.count - 2
        guard weight.count == input.count else {
            throw TensorError.shapeMismatch(operation: operation, input, weight, reason: "weight must be [K, C/groups] followed by \(dims) kernel sizes")
        }
        guard groups >= 1, input[1] % groups == 0, weight[0] % groups == 0 else {
            throw TensorError.invalidArgument(operation: operation, reason: "groups \(groups) must divide both \(input[1]) input and \(weight[0]) output channels")
        }
        guard weight[1] * groups == input[1] else {
            throw TensorError.shapeMismatch(operation: operation, input, weight, reason: "weight expects \(weight[1] * groups) input channels, input has \(input[1])")
        }
        if let bias, bias != [weight[0]] {
            throw TensorError.shapeMismatch(operation: operation, weight, bias, reason: "bias must be [\(weight[0])]")
        }
        let spatial = Array(input[2...]), kernel = Array(weight[2...])
        let s = try spread(stride, dims, name: "stride", operation: operation)
        let d = try spread(dilation, dims, name: "dilation", operation: operation)
        let pads = try padding.resolve(input: spatial, kernel: kernel, stride: s, dilation: d)
        let geometry = ConvNDGeometry(batch: input[0], inputChannels: input[1], outputChannels: weight[0], inputSize: spatial,
                                      kernelSize: kernel, stride: s, dilation: d, padBefore: pads.before, padAfter: pads.after,
                                      groups: groups)
        if let failure = geometry.validationFailure {
            throw TensorError.shapeMismatch(operation: operation, input, weight, reason: failure)
        }
        return geometry
    }

    /// One value for every spatial dimension, or one per dimension; all positive.
    static func spread(_ values: [Int], _ dims: Int, name: String, operation: String) throws -> [Int] {
        let v = values.count == 1 ? [Int](repeating: values[0], count: dims) : values
        guard v.count == dims, v.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument(operation: operation, reason: "\(name) \(values) must be one or \(dims) positive values")
        }
        return v
    }

    /// One value for both spatial dimensions, or two; all positive.
    static func pair(_ values: [Int], name: String, operation: String = "conv2d") throws -> [Int] {
        try spread(values, 2, name: name, operation: operation)
    }
}
