// Differentiable local response normalisation across channels (Krizhevsky et al. 2012 §3.3;
// PyTorch/ONNX formula), on the LocalResponseNorm kernels.
// N batch, C channels, S positions per channel (every axis after the channels)

import FoveaKernels

extension Tensor {
    /// Local response normalisation: `y = x / (k + α/n · Σ x²)^β`, the sum over the `n = size`
    /// channels around each channel (`c − ⌊n/2⌋ … c + ⌊(n − 1)/2⌋`, missing channels as zeros).
    ///
    /// Input `[N, C, …]` of rank ≥ 3; the output has its shape. AlexNet uses `size: 5, alpha: 1e-4,
    /// beta: 0.75, k: 2`.
    /// - Throws: ``TensorError`` when the rank is below 3, `size` is below 1, or a constant is not finite.
    public func localResponseNorm(size: Int, alpha: Float = 1e-4, beta: Float = 0.75, k: Float = 1) throws -> Tensor {
        let parameters = LocalResponseNormParameters(size: size, alpha: alpha, beta: beta, k: k)
        guard rank >= 3 else {
            throw TensorError.invalidArgument(operation: "localResponseNorm", reason: "input of shape \(shape) is not [N, C, …] with at least one spatial axis")
        }
        if let failure = parameters.validationFailure {
            throw TensorError.invalidArgument(operation: "localResponseNorm", reason: failure)
        }
        guard alpha.isFinite, beta.isFinite, k.isFinite else {
            throw TensorError.invalidArgument(operation: "localResponseNorm", reason: "alpha \(alpha), beta \(beta) and k \(k) must be finite")
        }
        let (n, c, s) = (shape[0], shape[1], shape[2...].reduce(1, *))
        let value = Tensor(uninitializedShape: shape)
        localResponseNormForward(output: value.storage.pointer, input: pointer, batch: n, channels: c, spatial: s, parameters: parameters)
        return Tensor.recording(value, inputs: [self]) { [self] g, _ in
            let dx = Tensor(zeroedShape: shape)
            localResponseNormBackward(dInput: dx.storage.pointer, dOutput: g.pointer, input: self.pointer,
                                      batch: n, channels: c, spatial: s, parameters: parameters)
            return [dx]
        }
    }
}
