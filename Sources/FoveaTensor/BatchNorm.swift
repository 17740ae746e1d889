// Differentiable batch normalisation: training (batch statistics, returned so a layer can keep
// running averages) and inference (given statistics). Channels are axis 1; every axis after it is
// spatial, so one op serves [N, C], [N, C, L], [N, C, H, W] and [N, C, D, H, W].
// N batch, C channels, S spatial positions per channel, m = N·S

import FoveaKernels

extension Tensor {
    /// Batch normalisation with the batch's own statistics (training mode):
    /// `y = (x − mean_c) / √(var_c + epsilon) · weight_c + bias_c`, where `mean_c` and the biased
    /// `var_c` are taken over the batch and spatial axes of channel `c`.
    ///
    /// - Parameters:
    ///   - weight, bias: `[C]` each, or nil for 1 and 0.
    /// - Returns: the output (the input's shape) and the per-channel `mean` and biased `variance`
    ///   (`[C]`, not recorded) from which a layer updates its running statistics.
    /// - Throws: ``TensorError`` when the input has rank below 2, weight or bias is not `[C]`, or a
    ///   channel holds fewer than 2 values (m = N·S < 2: the variance is undefined).
    public func batchNormTraining(weight: Tensor?, bias: Tensor?, epsilon: Float = 1e-5) throws
        -> (output: Tensor, mean: Tensor, variance: Tensor) {
        let (n, c, s) = try batchNormLayout(weight: weight, bias: bias, operation: "batchNormTraining")
        guard n * s >= 2 else {
            throw TensorError.invalidArgument(operation: "batchNormTraining",
                                              reason: "input of shape \(shape) has \(n * s) value per channel; training needs at least 2")
        }
        let mean = Tensor(uninitializedShape: [c]), variance = Tensor(uninitializedShape: [c])
        batchNormStatistics(mean: mean.storage.pointer, variance: variance.storage.pointer, input: pointer,
                            batch: n, channels: c, spatial: s)
        let inverseStd = variance.mapValue { 1 / (($0 + epsilon).squareRoot()) }
        let output = normalized(mean: mean, inverseStd: inverseStd, weight: weight, bias: bias,
                                layout: (n, c, s), batchStatistics: true)
        return (output, mean, variance)
    }

    /// Batch normalisation with given statistics (inference mode):
    /// `y = (x − mean_c) / √(variance_c + epsilon) · weight_c + bias_c`. Gradients flow to the
    /// input, weight and bias; the statistics are constants.
    ///
    /// - Parameters:
    ///   - mean, variance: `[C]` (a layer's running statistics).
    ///   - weight, bias: `[C]` each, or nil for 1 and 0.
    /// - Returns: the input's shape.
    /// - Throws: ``TensorError`` when the input has rank below 2 or a per-channel tensor is not `[C]`.
    public func batchNormInference(mean: Tensor, variance: Tensor, weight: Tensor?, bias: Tensor?,
                                   epsilon: Float = 1e-5) throws -> Tensor {
        let layout = try batchNormLayout(weight: weight, bias: bias, operation: "batchNormInference")
        for (name, statistic) in [("mean", mean), ("variance", variance)] where statistic.shape != [layout.c] {
            throw TensorError.shapeMismatch(operation: "batchNormInference", shape, statistic.shape,
                                            reason: "\(name) must be [\(layout.c)], one per channel")
        }
        let inverseStd = variance.mapValue { 1 / (($0 + epsilon).squareRoot()) }
        return normalized(mean: mean.detached(), inverseStd: inverseStd, weight: weight, bias: bias,
                          layout: layout, batchStatistics: false)
    }

    /// The normalising map and its pullback (to the input, weight and bias).
    private func normalized(mean: Tensor, inverseStd: Tensor, weight: Tensor?, bias: Tensor?,
                            layout: (n: Int, c: Int, s: Int), batchStatistics: Bool) -> Tensor {
        let (n, c, s) = layout
        let value = Tensor(uninitializedShape: shape)
        batchNormNormalize(output: value.storage.pointer, input: pointer, mean: mean.pointer, inverseStd: inverseStd.pointer,
                           weight: weight?.pointer, bias: bias?.pointer, batch: n, channels: c, spatial: s)
        let inputs = [self] + [weight, bias].compactMap { $0 }
        let weightSlot = weight == nil ? nil : 1, biasSlot = bias == nil ? nil : (weight == nil ? 1 : 2)
        return Tensor.recording(value, inputs: inputs) { [self] g, needed in
            let dx = needed[0] ? Tensor(zeroedShape: shape) : nil
            let dw = weightSlot.flatMap { needed[$0] } == true ? Tensor(zeroedShape: [c]) : nil
            let db = biasSlot.flatMap { needed[$0] } == true ? Tensor(zeroedShape: [c]) : nil
            batchNormBackward(dInput: dx?.storage.pointer, dWeight: dw?.storage.pointer, dBias: db?.storage.pointer,
                              dOutput: g.pointer, input: self.pointer, mean: mean.pointer, inverseStd: inverseStd.pointer,
                              weight: weight?.pointer, batch: n, channels: c, spatial: s, batchStatistics: batchStatistics)
            return [dx] + (weight == nil ? [] : [dw]) + (bias == nil ? [] : [db])
        }
    }

    /// `(N, C, S)` of an `[N, C, …]` input, after checking the per-channel tensors.
    private func batchNormLayout(weight: Tensor?, bias: Tensor?, operation: String) throws -> (n: Int, c: Int, s: Int) {
        guard rank >= 2 else {
            throw TensorError.invalidArgument(operation: operation, reason: "input of shape \(shape) is not [N, C, …]")
        }
        for (name, parameter) in [("weight", weight), ("bias", bias)] {
            if let parameter, parameter.shape != [shape[1]] {
                throw TensorError.shapeMismatch(operation: operation, shape, parameter.shape,
                                                reason: "\(name) must be [\(shape[1])], one per channel")
            }
        }
        return (shape[0], shape[1], shape[2...].reduce(1, *))
    }
}
