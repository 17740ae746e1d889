// Batch normalisation layers (Ioffe & Szegedy 2015) with PyTorch's semantics; the arithmetic is
// `Tensor.batchNormTraining` / `batchNormInference`.
//
// Training normalises with the batch's mean and biased variance and moves the running statistics
// towards the batch's mean and UNBIASED variance (m/(m − 1) · var):
//   running = (1 − momentum)·running + momentum·batch    (momentum nil: cumulative average)
// Evaluation normalises with the running statistics. Buffers: "running_mean", "running_var",
// "num_batches_tracked" (a float here; a checkpoint writer stores it as int64 as PyTorch does).

/// The state and arithmetic shared by ``BatchNorm1D``, ``BatchNorm2D`` and ``BatchNorm3D``.
public final class BatchNormCore: @unchecked Sendable {
    public let featureCount: Int
    public let epsilon: Float
    /// The weight of the newest batch in the running averages; nil for a cumulative average.
    public let momentum: Float?
    public let weight: Parameter?, bias: Parameter?
    public let runningMean: Buffer?, runningVariance: Buffer?, batchesTracked: Buffer?
    public private(set) var isTraining = true

    init(featureCount: Int, epsilon: Float, momentum: Float?, affine: Bool, trackRunningStatistics: Bool, name: String) throws {
        guard featureCount >= 1 else {
            throw TensorError.invalidArgument(operation: name, reason: "feature count \(featureCount) must be positive")
        }
        guard epsilon.isFinite, epsilon >= 0 else {
            throw TensorError.invalidArgument(operation: name, reason: "epsilon \(epsilon) must be finite and ≥ 0")
        }
        if let momentum, !(momentum >= 0 && momentum <= 1) {
            throw TensorError.invalidArgument(operation: name, reason: "momentum \(momentum) must be in [0, 1]")
        }
        self.featureCount = featureCount
        self.epsilon = epsilon
        self.momentum = momentum
        weight = affine ? Parameter(try Tensor.ones([featureCount])) : nil
        bias = affine ? Parameter(try Tensor.zeros([featureCount])) : nil
        runningMean = trackRunningStatistics ? Buffer(try Tensor.zeros([featureCount])) : nil
        runningVariance = trackRunningStatistics ? Buffer(try Tensor.ones([featureCount])) : nil
        batchesTracked = trackRunningStatistics ? Buffer(Tensor(scalar: 0)) : nil
    }

    func setTraining(_ training: Bool) { isTraining = training }

    func apply(_ input: Tensor, ranks: Set<Int>, name: String, layout: String) throws -> Tensor {
        guard ranks.contains(input.rank), input.shape[1] == featureCount else {
            throw TensorError.invalidArgument(operation: name, reason: "input of shape \(input.shape) is not \(layout) with C = \(featureCount)")
        }
        guard !isTraining, let runningMean, let runningVariance else { return try training(input, name: name) }
        return try input.batchNormInference(mean: runningMean.value, variance: runningVariance.value,
                                            weight: weight?.value, bias: bias?.value, epsilon: epsilon)
    }

    private func training(_ input: Tensor, name: String) throws -> Tensor {
        let result: (output: Tensor, mean: Tensor, variance: Tensor)
        do {
            result = try input.batchNormTraining(weight: weight?.value, bias: bias?.value, epsilon: epsilon)
        } catch TensorError.invalidArgument(_, let reason) {
            throw TensorError.invalidArgument(operation: name, reason: reason)
        }
        guard let runningMean, let runningVariance, let batchesTracked else { return result.output }
        let count = batchesTracked.update { $0[0] += 1; return $0[0] }
        let factor = momentum ?? 1 / count
        let m = Float(input.count / featureCount), correction = m / (m - 1)
        let batchMean = result.mean.scalars, batchVariance = result.variance.scalars
        runningMean.update { r in for c in r.indices { r[c] += factor * (batchMean[c] - r[c]) } }
        runningVariance.update { r in for c in r.indices { r[c] += factor * (batchVariance[c] * correction - r[c]) } }
        return result.output
    }

    /// In evaluation mode with running statistics: the per-channel `scale = γ/√(var + ε)` and
    /// `shift = (b − mean)·scale + β` such that this normalisation of `x + b` is `x·scale + shift`
    /// (γ = 1, β = 0 without affine parameters; `b` an optional bias before it). Nil in training.
    func inferenceScaleAndShift(precededByBias bias: Tensor?) throws -> (scale: Tensor, shift: Tensor)? {
        guard !isTraining, let runningMean, let runningVariance else { return nil }
        let mean = runningMean.value.scalars, variance = runningVariance.value.scalars
        let gamma = weight?.value.scalars, beta = self.bias?.value.scalars, b = bias?.scalars
        var scale = [Float](repeating: 0, count: featureCount), shift = scale
        for c in 0..<featureCount {
            scale[c] = (gamma?[c] ?? 1) * (1 / (variance[c] + epsilon).squareRoot())
            shift[c] = ((b?[c] ?? 0) - mean[c]) * scale[c] + (beta?[c] ?? 0)
        }
        return (try Tensor(shape: [featureCount], scalars: scale), try Tensor(shape: [featureCount], scalars: shift))
    }

    var parameters: [(name: String, parameter: Parameter)] {
        [weight.map { ("weight", $0) }, bias.map { ("bias", $0) }].compactMap { $0 }
    }

    var buffers: [(name: String, buffer: Buffer)] {
        [runningMean.map { ("running_mean", $0) }, runningVariance.map { ("running_var", $0) },
         batchesTracked.map { ("num_batches_tracked", $0) }].compactMap { $0 }
    }
}

/// Batch normalisation of `[N, C]` or `[N, C, L]` batches over N (and L), per channel C.
/// Output: the input's shape. Parameters `"weight"` `[C]` (ones) and `"bias"` `[C]` (zeros) when
/// `affine`; buffers `"running_mean"`, `"running_var"`, `"num_batches_tracked"` when
/// `trackRunningStatistics`. See ``BatchNormCore`` for the update rule.
public final class BatchNorm1D: Layer {
    public let core: BatchNormCore

    /// - Parameters:
    ///   - featureCount: C, the number of channels.
    ///   - epsilon: added to the variance (PyTorch: 1e-5).
    ///   - momentum: weight of the newest batch in the running statistics (PyTorch: 0.1); nil
    ///     for a cumulative average.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for C < 1, a negative epsilon or a
    ///   momentum outside [0, 1]; at call time for an input of the wrong rank or channel count, or
    ///   (training) fewer than 2 values per channel.
    public init(featureCount: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true,
                trackRunningStatistics: Bool = true) throws {
        core = try BatchNormCore(featureCount: featureCount, epsilon: epsilon, momentum: momentum, affine: affine,
                                 trackRunningStatistics: trackRunningStatistics, name: "BatchNorm1D")
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try core.apply(input, ranks: [2, 3], name: "BatchNorm1D", layout: "[N, C] or [N, C, L]")
    }

    public func setTraining(_ training: Bool) { core.setTraining(training) }
    public var ownParameters: [(name: String, parameter: Parameter)] { core.parameters }
    public var ownBuffers: [(name: String, buffer: Buffer)] { core.buffers }
}

/// Batch normalisation of `[N, C, H, W]` batches over N, H and W, per channel C (PyTorch's
/// `BatchNorm2d`). Output: the input's shape; parameters and buffers as ``BatchNorm1D``.
public final class BatchNorm2D: Layer {
    public let core: BatchNormCore

    /// - Throws: as ``BatchNorm1D/init(featureCount:epsilon:momentum:affine:trackRunningStatistics:)``.
    public init(featureCount: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true,
                trackRunningStatistics: Bool = true) throws {
        core = try BatchNormCore(featureCount: featureCount, epsilon: epsilon, momentum: momentum, affine: affine,
                                 trackRunningStatistics: trackRunningStatistics, name: "BatchNorm2D")
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try core.apply(input, ranks: [4], name: "BatchNorm2D", layout: "[N, C, H, W]")
    }

    public func setTraining(_ training: Bool) { core.setTraining(training) }
    public var ownParameters: [(name: String, parameter: Parameter)] { core.parameters }
    public var ownBuffers: [(name: String, buffer: Buffer)] { core.buffers }
}

/// Batch normalisation of `[N, C, D, H, W]` batches over N, D, H and W, per channel C (PyTorch's
/// `BatchNorm3d`). Output: the input's shape; parameters and buffers as ``BatchNorm1D``.
public final class BatchNorm3D: Layer {
    public let core: BatchNormCore

    /// - Throws: as ``BatchNorm1D/init(featureCount:epsilon:momentum:affine:trackRunningStatistics:)``.
    public init(featureCount: Int, epsilon: Float = 1e-5, momentum: Float? = 0.1, affine: Bool = true,
                trackRunningStatistics: Bool = true) throws {
        core = try BatchNormCore(featureCount: featureCount, epsilon: epsilon, momentum: momentum, affine: affine,
                                 trackRunningStatistics: trackRunningStatistics, name: "BatchNorm3D")
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try core.apply(input, ranks: [5], name: "BatchNorm3D", layout: "[N, C, D, H, W]")
    }

    public func setTraining(_ training: Bool) { core.setTraining(training) }
    public var ownParameters: [(name: String, parameter: Parameter)] { core.parameters }
    public var ownBuffers: [(name: String, buffer: Buffer)] { core.buffers }
}
