// The differentiable 2-D convolution (cross-correlation, as every framework computes it).
// N batch, C input channels, K output channels, H×W input, R×S kernel, P×Q output.

import FoveaKernels

extension Tensor {
    /// 2-D cross-correlation of an NCHW batch with `weight [K, C/groups, R, S]`, plus `bias [K]`.
    ///
    /// Output `[N, K, P, Q]` with `P = (H + padTop + padBottom − dilation·(R − 1) − 1) / stride + 1`
    /// (likewise Q). `groups` splits the channels into independent convolutions (depthwise when
    /// `groups == C`).
    /// - Parameters:
    ///   - stride, dilation: `[height, width]`, or one value for both.
    ///   - padding: see ``Padding``.
    /// - Throws: ``TensorError`` naming the shapes or values that do not fit.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: [Int] = [1], padding: Padding = .valid,
                       dilation: [Int] = [1], groups: Int = 1) throws -> Tensor {
        let geometry = try Tensor.convolutionGeometry(input: shape, weight: weight.shape, bias: bias?.shape,
                                                      stride: stride, padding: padding, dilation: dilation, groups: groups)
        let value = Tensor(uninitializedShape: [geometry.batch, geometry.outputChannels, geometry.outputHeight, geometry.outputWidth])
        conv2dForward(output: value.storage.pointer, input: pointer, weight: weight.pointer, bias: bias?.pointer, geometry: geometry)
        let inputs = bias.map { [self, weight, $0] } ?? [self, weight]
        return Tensor.recording(value, inputs: inputs) { [self] g, needed in
            let dx = needed[0] ? Tensor(zeroedShape: shape) : nil
            let dw = needed[1] ? Tensor(zeroedShape: weight.shape) : nil
            let db = needed.count > 2 && needed[2] ? Tensor(zeroedShape: [geometry.outputChannels]) : nil
            conv2dBackward(dInput: dx?.storage.pointer, dWeight: dw?.storage.pointer, dBias: db?.storage.pointer,
                           dOutput: g.pointer, input: self.pointer, weight: weight.pointer, geometry: geometry)
            return Array([dx, dw, db].prefix(inputs.count))
        }
    }

    /// Validates a convolution's arguments and resolves them into the kernel's geometry.
    static func convolutionGeometry(input: [Int], weight: [Int], bias: [Int]?, stride: [Int], padding: Padding,
                                    dilation: [Int], groups: Int) throws -> Conv2DGeometry {
        guard input.count == 4 else {
            throw TensorError.shapeMismatch(operation: "conv2d", input, weight, reason: "input must be [N, C, H, W]")
        }
        guard weight.count == 4 else {
            throw TensorError.shapeMismatch(operation: "conv2d", input, weight, reason: "weight must be [K, C/groups, R, S]")
        }
        guard groups >= 1, input[1] % groups == 0, weight[0] % groups == 0 else {
            throw TensorError.invalidArgument(operation: "conv2d", reason: "groups \(groups) must divide both \(input[1]) input and \(weight[0]) output channels")
        }
        guard weight[1] * groups == input[1] else {
            throw TensorError.shapeMismatch(operation: "conv2d", input, weight, reason: "weight expects \(weight[1] * groups) input channels, input has \(input[1])")
        }
        if let bias, bias != [weight[0]] {
            throw TensorError.shapeMismatch(operation: "conv2d", weight, bias, reason: "bias must be [\(weight[0])]")
        }
        let s = try pair(stride, name: "stride"), d = try pair(dilation, name: "dilation")
        let pads = try padding.resolve(input: [input[2], input[3]], kernel: [weight[2], weight[3]], stride: s, dilation: d)
        let geometry = Conv2DGeometry(
            batch: input[0], inputChannels: input[1], inputHeight: input[2], inputWidth: input[3],
            outputChannels: weight[0], kernelHeight: weight[2], kernelWidth: weight[3],
            strideHeight: s[0], strideWidth: s[1], dilationHeight: d[0], dilationWidth: d[1],
            padTop: pads.before[0], padBottom: pads.after[0], padLeft: pads.before[1], padRight: pads.after[1],
            groups: groups)
        if let failure = geometry.validationFailure {
            throw TensorError.shapeMismatch(operation: "conv2d", input, weight, reason: failure)
        }
        return geometry
    }

    /// One value for both spatial dimensions, or two; all positive.
    static func pair(_ values: [Int], name: String, operation: String = "conv2d") throws -> [Int] {
        let v = values.count == 1 ? [values[0], values[0]] : values
        guard v.count == 2, v.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument(operation: operation, reason: "\(name) \(values) must be one or two positive values")
        }
        return v
    }
}
