// Transposed convolution ("deconvolution"): the adjoint of convolution, i.e. the input gradient
// of the convolution it transposes. It runs on the same kernels with the roles of input and
// output exchanged.
// N batch, C input channels, K output channels; weight [C, K/groups, *kernel] as in PyTorch.

import FoveaKernels

extension Tensor {
    /// Transposed convolution of `[N, C, *spatial]` with `weight [C, K/groups, *kernel]` (PyTorch's
    /// layout) plus an optional `bias [K]`; output `[N, K, *out]` with, per spatial dimension,
    /// `out = (in − 1)·stride − padBefore − padAfter + dilation·(k − 1) + outputPadding + 1`.
    ///
    /// Its forward pass equals the input gradient of the convolution with the same geometry.
    /// - Parameters:
    ///   - padding: removed from the output's borders (`.explicit` or `.valid`; `same`/`full` are
    ///     resolved against the output as for the matching convolution).
    ///   - outputPadding: extra size on the end of each dimension, each below `max(stride, dilation)`.
    /// - Throws: ``TensorError`` naming the shapes or values that do not fit.
    public func transposedConvolution(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: Padding = .valid,
                                      outputPadding: [Int] = [0], dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        let op = "transposedConvolution"
        guard (3...5).contains(rank), weight.rank == rank else {
            throw TensorError.shapeMismatch(operation: op, shape, weight.shape, reason: "input must be [N, C, *spatial] and weight [C, K/groups, *kernel] with 1 to 3 spatial dimensions")
        }
        guard groups >= 1, shape[1] % groups == 0, weight.shape[0] == shape[1] else {
            throw TensorError.shapeMismatch(operation: op, shape, weight.shape, reason: "weight must have \(shape[1]) input channels first, divisible by groups \(groups)")
        }
        let dims = rank - 2, outChannels = weight.shape[1] * groups
        if let bias, bias.shape != [outChannels] {
            throw TensorError.shapeMismatch(operation: op, weight.shape, bias.shape, reason: "bias must be [\(outChannels)]")
        }
        let s = try Tensor.spread(stride, dims, name: "stride", operation: op)
        let d = try Tensor.spread(dilation, dims, name: "dilation", operation: op)
        let extra = outputPadding.count == 1 ? [Int](repeating: outputPadding[0], count: dims) : outputPadding
        guard extra.count == dims, (0..<dims).allSatisfy({ extra[$0] >= 0 && extra[$0] < Swift.max(s[$0], d[$0]) }) else {
            throw TensorError.invalidArgument(operation: op, reason: "output padding \(outputPadding) must be ≥ 0 and below max(stride, dilation) = \((0..<dims).map { Swift.max(s[$0], d[$0]) })")
        }
        let kernel = Array(weight.shape[2...]), input = Array(shape[2...])
        // Resolve the padding against the output size it produces without padding.
        var unpadded: [Int] = []
        for i in 0..<dims {
            let reach: Int = d[i] * (kernel[i] - 1) + 1
            unpadded.append((input[i] - 1) * s[i] + reach + extra[i])
        }
        let pads = try padding.resolve(input: unpadded, kernel: kernel, stride: s, dilation: d)
        let outSize: [Int] = (0..<dims).map { i in unpadded[i] - pads.before[i] - pads.after[i] }
        guard outSize.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument(operation: op, reason: "padding \(pads.before)/\(pads.after) leaves an empty output \(outSize)")
        }
        // The convolution this transposes: input = our output, output = our input.
        let g = ConvNDGeometry(batch: shape[0], inputChannels: outChannels, outputChannels: shape[1], inputSize: outSize,
                               kernelSize: kernel, stride: s, dilation: d, padBefore: pads.before, padAfter: pads.after, groups: groups)
        if let failure = g.validationFailure {
            throw TensorError.shapeMismatch(operation: op, shape, weight.shape, reason: failure)
        }
        guard g.outputSize == input else {
            throw TensorError.shapeMismatch(operation: op, shape, weight.shape, reason: "the geometry maps \(outSize) back to \(g.outputSize), not \(input)")
        }
        let value = Tensor(uninitializedShape: [shape[0], outChannels] + outSize)
        convolutionBackward(dInput: value.storage.pointer, dWeight: nil, dBias: nil, dOutput: pointer,
                            input: value.pointer, weight: weight.pointer, geometry: g, accumulate: false)
        if let bias {
            let plane = outSize.reduce(1, *)
            for n in 0..<shape[0] { for k in 0..<outChannels {
                let row = value.storage.pointer + (n * outChannels + k) * plane
                for i in 0..<plane { row[i] += bias.pointer[k] }
            } }
        }
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.recording(value, inputs: inputs) { [self] grad, needed in
            var dx: Tensor?, dw: Tensor?, db: Tensor?
            if needed[0] {  // the adjoint of the adjoint: the convolution itself
                let t = Tensor(uninitializedShape: shape)
                convolutionForward(output: t.storage.pointer, input: grad.pointer, weight: weight.pointer, bias: nil, geometry: g)
                dx = t
            }
            if needed[1] {
                let t = Tensor(uninitializedShape: weight.shape)
                convolutionBackward(dInput: nil, dWeight: t.storage.pointer, dBias: nil, dOutput: self.pointer,
                                    input: grad.pointer, weight: weight.pointer, geometry: g, accumulate: false)
                dw = t
            }
            if needed.count > 2 && needed[2] {
                var summed = grad
                for axis in Swift.stride(from: rank - 1, through: 2, by: -1) { summed = summed.sumValue(axis: axis) }
                db = summed.sumValue(axis: 0).reshapedValue([outChannels])
            }
            return Array([dx, dw, db].prefix(inputs.count))
        }
    }
}
