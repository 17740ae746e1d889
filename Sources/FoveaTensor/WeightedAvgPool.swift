// Weighted-average pooling: each output is a weighted mean of its window, the weight of a tap
// falling with its distance from the window's centre (a Gaussian of given sigma) or given by the
// user — the "weighted average based on the distance from the central pixel" of Goodfellow et
// al. §9.3. Computed as a depthwise convolution with the fixed weights, divided by the same
// convolution of an all-ones image: so the weights are renormalised to sum 1 over the taps that
// fall inside the input (at the borders, padded taps are left out rather than counted as zeros).
// N batch, C channels, H×W input, R×S window, P×Q output

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// An R×S Gaussian window, `exp(−((i − cᵢ)² + (j − cⱼ)²) / (2·sigma²))` with the centre
    /// `c = ((R − 1)/2, (S − 1)/2)`, normalised to sum 1.
    /// - Throws: ``TensorError`` for a non-positive size or a sigma that is not positive and finite.
    public static func gaussianWindow(size: [Int], sigma: Float) throws -> Tensor {
        let k = try pair(size, name: "window size", operation: "gaussianWindow")
        guard sigma.isFinite, sigma > 0 else {
            throw TensorError.invalidArgument(operation: "gaussianWindow", reason: "sigma \(sigma) must be positive and finite")
        }
        let (ci, cj) = (Float(k[0] - 1) / 2, Float(k[1] - 1) / 2)
        var values: [Float] = []
        for i in 0..<k[0] {
            for j in 0..<k[1] {
                let d2 = (Float(i) - ci) * (Float(i) - ci) + (Float(j) - cj) * (Float(j) - cj)
                values.append(expf(-d2 / (2 * sigma * sigma)))
            }
        }
        let total = values.reduce(0, +)
        return try Tensor(shape: k, scalars: values.map { $0 / total })
    }

    /// Weighted-average pooling of an NCHW batch with fixed `weights [R, S]` (non-negative):
    /// `y[p, q] = Σ w·x / Σ w`, both sums over the window taps inside the input.
    ///
    /// `P = (H + padTop + padBottom − R) / stride + 1` (likewise Q). Gradients flow to the input;
    /// the weights are constants.
    /// - Throws: ``TensorError`` when the input is not rank 4, the weights are not a rank-2
    ///   non-negative finite window, the window does not fit, or some window has no positive
    ///   weight inside the input (its average would be 0/0).
    public func weightedAvgPool2d(weights: Tensor, stride: [Int]? = nil, padding: Padding = .valid) throws -> Tensor {
        let operation = "weightedAvgPool2d"
        guard rank == 4 else {
            throw TensorError.invalidArgument(operation: operation, reason: "input of shape \(shape) is not [N, C, H, W]")
        }
        guard weights.rank == 2, weights.count > 0, weights.scalars.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
            throw TensorError.invalidArgument(operation: operation,
                                              reason: "weights of shape \(weights.shape) must be an [R, S] window of finite values ≥ 0")
        }
        let c = shape[1], window = weights.detached()
        let s = stride ?? weights.shape
        var repeated: [Float] = []
        for _ in 0..<c { repeated += window.scalars }
        let depthwise = try Tensor(shape: [c, 1] + window.shape, scalars: repeated)
        let sums: Tensor, normalizer: Tensor
        do {
            sums = try conv2d(weight: depthwise, stride: s, padding: padding, groups: c)
            normalizer = try Tensor.ones([1, 1, shape[2], shape[3]])
                .conv2d(weight: window.reshaped(to: [1, 1] + window.shape), stride: s, padding: padding)
        } catch let error as TensorError {
            throw TensorError.invalidArgument(operation: operation, reason: "input \(shape), window \(window.shape): \(error)")
        }
        if normalizer.scalars.contains(where: { $0 <= 0 }) {
            throw TensorError.invalidArgument(operation: operation,
                                              reason: "some window of input \(shape) has no positive weight inside the input")
        }
        return try sums / normalizer
    }
}
