// The analysis of each layer with arithmetic or a spatial footprint: output shape, multiply-adds,
// textbook floating-point operations, and how it moves the receptive field.
// Conventions (as torchinfo and the papers): a convolution costs K·(C/groups)·∏kernel
// multiply-adds per output position; a dense layer in·out per example; pooling, activations and
// normalisation cost none.

extension ConvolutionSettings {
    func analysis(input: [Int], weight: [Int], hasBias: Bool) throws -> LayerAnalysis {
        let out = try Tensor.convolutionOutputShape(input: input, weight: weight, stride: stride, padding: padding,
                                                    dilation: dilation, groups: groups)
        let taps = weight[1...].reduce(1, *)            // (C/groups)·∏kernel
        let outputs = out.reduce(1, *)                  // N·K·∏out
        let pads = try padding.resolve(input: Array(input[2...]), kernel: kernel, stride: stride, dilation: dilation)
        return LayerAnalysis(outputShape: out, multiplyAdds: outputs * taps,
                             floatingPointOperations: outputs * (2 * taps - 1 + (hasBias ? 1 : 0)),
                             step: ReceptiveStep(kernel: kernel, stride: stride, dilation: dilation, padBefore: pads.before))
    }
}

extension Conv1D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { try settings.analysis(input: shape, weight: weight.shape, hasBias: bias != nil) }
}

extension Conv2D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { try settings.analysis(input: shape, weight: weight.shape, hasBias: bias != nil) }
}

extension Conv3D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { try settings.analysis(input: shape, weight: weight.shape, hasBias: bias != nil) }
}

extension Linear {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        guard shape.count == 2, shape[1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(operation: "Linear", shape, weight.shape, reason: "expected input [N, \(weight.shape[1])]")
        }
        let (n, fanIn, fanOut) = (shape[0], weight.shape[1], weight.shape[0])
        return LayerAnalysis(outputShape: [n, fanOut], multiplyAdds: n * fanIn * fanOut,
                             floatingPointOperations: n * fanOut * (2 * fanIn - 1 + (bias == nil ? 0 : 1)), mixesAllPositions: true)
    }
}

extension MaxPool2D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        let out = try Tensor.pool2dOutputShape(input: shape, kernelSize: kernelSize, stride: stride, padding: padding,
                                               dilation: dilation, ceilMode: ceilMode)
        let pads = try padding.resolve(input: Array(shape[2...]), kernel: kernelSize, stride: stride, dilation: dilation)
        return LayerAnalysis(outputShape: out, step: ReceptiveStep(kernel: kernelSize, stride: stride, dilation: dilation, padBefore: pads.before))
    }
}

extension AvgPool2D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        let out = try Tensor.pool2dOutputShape(input: shape, kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode)
        let pads = try padding.resolve(input: Array(shape[2...]), kernel: kernelSize, stride: stride, dilation: [1, 1])
        return LayerAnalysis(outputShape: out, step: ReceptiveStep(kernel: kernelSize, stride: stride, padBefore: pads.before))
    }
}

extension Flatten {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis {
        guard startAxis >= 0, startAxis < max(shape.count, 1) else {
            throw TensorError.indexOutOfRange(operation: "Flatten", index: startAxis, range: 0..<shape.count)
        }
        return LayerAnalysis(outputShape: Array(shape[..<startAxis]) + [shape[startAxis...].reduce(1, *)], mixesAllPositions: shape.count > 2)
    }
}

extension ReLU {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) }
}

extension Dropout {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) }
}

extension TiledConv2D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { try tiledAnalysis(settings, input: shape, weight: weight.shape) }
}

extension LocallyConnected2D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { try tiledAnalysis(settings, input: shape, weight: weight.shape) }
}

extension LocallyConnected1D {
    public func analyze(input shape: [Int]) throws -> LayerAnalysis { try tiledAnalysis(settings, input: shape, weight: weight.shape) }
}

/// Tiled and locally connected layers cost what the convolution with their connectivity costs.
private func tiledAnalysis(_ s: TiledSettings, input: [Int], weight: [Int]) throws -> LayerAnalysis {
    guard input.count == s.kernel.count + 2 else {
        throw TensorError.invalidArgument(operation: "tiled convolution", reason: "input \(input) has the wrong rank")
    }
    let convWeight = [weight[1], input[1]] + s.kernel
    let out = try Tensor.convolutionOutputShape(input: input, weight: convWeight, stride: s.stride, padding: s.padding)
    let taps = weight[2], outputs = out.reduce(1, *)
    let pads = try s.padding.resolve(input: Array(input[2...]), kernel: s.kernel, stride: s.stride, dilation: s.kernel.map { _ in 1 })
    return LayerAnalysis(outputShape: out, multiplyAdds: outputs * taps, floatingPointOperations: outputs * (2 * taps),
                         step: ReceptiveStep(kernel: s.kernel, stride: s.stride, padBefore: pads.before))
}

// Layers that keep the shape and do no multiply-adds. Stated rather than inferred: the default
// analysis runs the layer, which in training mode would move batch-norm statistics.
extension BatchNorm1D { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension BatchNorm2D { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension BatchNorm3D { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension LocalResponseNorm { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension LeakyReLU { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension PReLU { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension ELU { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension Sigmoid { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension Tanh { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
extension Softmax { public func analyze(input shape: [Int]) throws -> LayerAnalysis { LayerAnalysis(outputShape: shape) } }
