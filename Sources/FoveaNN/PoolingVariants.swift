// Pooling variants beyond max and average: power-average (Lp) pooling, as PyTorch's LPPool1d/2d,
// and weighted-average pooling by distance from the window's centre. Each calls one op.

/// Power-average pooling of `[N, C, L]`: `(Σ x^p)^(1/p)` over each window (PyTorch's LPPool1d);
/// `Lout = (L − k) / stride + 1` (ceil with `ceilMode`).
public final class LpPool1D: Layer {
    public let normType: Float, kernelSize: Int, stride: Int, ceilMode: Bool

    /// - Throws: for a norm type that is not positive and finite or non-positive sizes.
    public init(normType: Float, kernelSize: Int, stride: Int? = nil, ceilMode: Bool = false) throws {
        guard normType.isFinite, normType > 0 else {
            throw TensorError.invalidArgument(operation: "LpPool1D", reason: "norm type \(normType) must be positive and finite")
        }
        self.normType = normType
        self.kernelSize = try SpatialSize([kernelSize]).expanded(to: 1, what: "LpPool1D kernel size")[0]
        self.stride = try SpatialSize([stride ?? kernelSize]).expanded(to: 1, what: "LpPool1D stride")[0]
        self.ceilMode = ceilMode
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.lpPool1d(normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
}

/// Power-average pooling of `[N, C, H, W]`: `(Σ x^p)^(1/p)` over each kh×kw window (PyTorch's
/// LPPool2d); `P = (H − kh) / stride + 1` (likewise Q, ceil with `ceilMode`).
public final class LpPool2D: Layer {
    public let normType: Float, kernelSize: [Int], stride: [Int], ceilMode: Bool

    /// - Throws: for a norm type that is not positive and finite or non-positive sizes.
    public init(normType: Float, kernelSize: SpatialSize, stride: SpatialSize? = nil, ceilMode: Bool = false) throws {
        guard normType.isFinite, normType > 0 else {
            throw TensorError.invalidArgument(operation: "LpPool2D", reason: "norm type \(normType) must be positive and finite")
        }
        self.normType = normType
        self.kernelSize = try kernelSize.expanded(to: 2, what: "LpPool2D kernel size")
        self.stride = try (stride ?? kernelSize).expanded(to: 2, what: "LpPool2D stride")
        self.ceilMode = ceilMode
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.lpPool2d(normType: normType, kernelSize: kernelSize, stride: stride, ceilMode: ceilMode)
    }
}

/// Weighted-average pooling of `[N, C, H, W]` by distance from the window's centre: Gaussian
/// weights of a given sigma, or a user window. The weights are renormalised to sum 1 over the
/// taps inside the input, so a border window averages only real pixels.
/// `P = (H + padTop + padBottom − R) / stride + 1` (likewise Q). No parameters.
public final class WeightedAvgPool2D: Layer {
    /// The `[R, S]` window, normalised to sum 1.
    public let weights: Tensor
    public let stride: [Int], padding: Padding

    /// A Gaussian window `exp(−d² / 2σ²)` of the distance `d` from its centre.
    /// - Parameter stride: defaults to the kernel size.
    /// - Throws: for non-positive sizes or a sigma that is not positive and finite.
    public init(kernelSize: SpatialSize, sigma: Float, stride: SpatialSize? = nil, padding: Padding = .valid) throws {
        let k = try kernelSize.expanded(to: 2, what: "WeightedAvgPool2D kernel size")
        weights = try Tensor.gaussianWindow(size: k, sigma: sigma)
        self.stride = try (stride ?? kernelSize).expanded(to: 2, what: "WeightedAvgPool2D stride")
        self.padding = padding
    }

    /// A user window `[R, S]` of non-negative weights (normalised here).
    /// - Throws: when the window is not rank 2, has a negative or non-finite weight, or sums to 0.
    public init(weights: Tensor, stride: SpatialSize? = nil, padding: Padding = .valid) throws {
        let total = weights.scalars.reduce(0, +)
        guard weights.rank == 2, weights.scalars.allSatisfy({ $0.isFinite && $0 >= 0 }), total > 0 else {
            throw TensorError.invalidArgument(operation: "WeightedAvgPool2D",
                                              reason: "weights of shape \(weights.shape) must be an [R, S] window of finite values ≥ 0 with a positive sum")
        }
        self.weights = weights.detached() / total
        self.stride = try (stride ?? SpatialSize(weights.shape)).expanded(to: 2, what: "WeightedAvgPool2D stride")
        self.padding = padding
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.weightedAvgPool2d(weights: weights, stride: stride, padding: padding)
    }
}
