// Channel-wise ops: maxout over groups of consecutive channels (Goodfellow et al. 2013) and local
// response normalisation across neighbouring channels (Krizhevsky et al. 2012 §3.3; the
// PyTorch/ONNX formula) on the LocalResponseNorm kernels.
//
// Maxout following a linear or convolutional layer with k·C outputs gives C units, each the max of
// k learned pieces — a learned convex piecewise-linear activation, and a way to learn invariances
// (a unit over filters for several rotations of a pattern responds to every one of them).
// N batch, C channels, S positions per channel (every axis after the channels)

import FoveaKernels

extension Tensor {
    /// Maxout over channel groups: `[N, k·C, …]` → `[N, C, …]`, output channel `j` being the
    /// maximum of input channels `j·k ..< (j + 1)·k`. The gradient flows to the first maximal piece.
    /// - Throws: ``TensorError`` when the input has rank below 2, `pieces` is below 1, or it does
    ///   not divide the channel count.
    public func maxout(pieces k: Int) throws -> Tensor {
        guard rank >= 2 else {
            throw TensorError.invalidArgument(operation: "maxout", reason: "input of shape \(shape) is not [N, C, …]")
        }
        guard k >= 1, shape[1] % k == 0 else {
            throw TensorError.invalidArgument(operation: "maxout", reason: "\(k) pieces must be positive and divide the \(shape[1]) channels of input \(shape)")
        }
        let grouped = [shape[0], shape[1] / k, k] + Array(shape[2...])
        return try reshaped(to: grouped).max(alongAxis: 2)
    }

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
