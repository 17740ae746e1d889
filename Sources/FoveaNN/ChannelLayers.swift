// Channel-wise layers: Maxout (max over groups of learned pieces) and local response
// normalisation across channels. Each calls one op of FoveaTensor.

/// Maxout units (Goodfellow et al. 2013): a linear or convolutional layer with `pieces·C` outputs
/// followed by the maximum over each group of `pieces` consecutive channels, giving C channels.
/// The wrapped layer is the child `"projection"`, so its parameters are `"projection.weight"`, ….
public final class Maxout: Layer {
    public let projection: any Layer
    public let pieces: Int

    /// Maxout over any layer whose output has `pieces·C` channels on axis 1.
    /// - Throws: for fewer than 1 piece.
    public init(wrapping projection: any Layer, pieces: Int) throws {
        guard pieces >= 1 else {
            throw TensorError.invalidArgument(operation: "Maxout", reason: "pieces \(pieces) must be positive")
        }
        self.projection = projection
        self.pieces = pieces
    }

    /// Dense maxout: `[N, inputFeatures]` → `[N, outputFeatures]`, over a ``Linear`` with
    /// `pieces·outputFeatures` outputs.
    /// - Throws: for non-positive sizes.
    public convenience init(inputFeatures: Int, outputFeatures: Int, pieces: Int) throws {
        try self.init(wrapping: try Linear(inputFeatures: inputFeatures, outputFeatures: outputFeatures * Swift.max(pieces, 1)), pieces: pieces)
    }

    /// Convolutional maxout: `[N, inputChannels, H, W]` → `[N, outputChannels, P, Q]` over a
    /// ``Conv2D`` with `pieces·outputChannels` filters (P, Q as for that convolution).
    /// - Throws: for non-positive sizes.
    public convenience init(inputChannels: Int, outputChannels: Int, pieces: Int, kernelSize: SpatialSize,
                            stride: SpatialSize = 1, padding: Padding = .valid) throws {
        try self.init(wrapping: try Conv2D(inputChannels: inputChannels, outputChannels: outputChannels * Swift.max(pieces, 1),
                                           kernelSize: kernelSize, stride: stride, padding: padding), pieces: pieces)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try projection(input).maxout(pieces: pieces) }

    public var children: [(name: String, layer: any Layer)] { [("projection", projection)] }
}

/// Local response normalisation across channels, `y = x / (k + α/n · Σ x²)^β` over the `n = size`
/// neighbouring channels (PyTorch's LocalResponseNorm). Input `[N, C, …]` (rank ≥ 3), output the same shape.
/// AlexNet: `LocalResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2)`.
public final class LocalResponseNorm: Layer {
    public let size: Int, alpha: Float, beta: Float, k: Float

    /// - Throws: for a size below 1 or a constant that is not finite.
    public init(size: Int, alpha: Float = 1e-4, beta: Float = 0.75, k: Float = 1) throws {
        guard size >= 1, alpha.isFinite, beta.isFinite, k.isFinite else {
            throw TensorError.invalidArgument(operation: "LocalResponseNorm",
                                              reason: "size \(size) must be positive and alpha \(alpha), beta \(beta), k \(k) finite")
        }
        (self.size, self.alpha, self.beta, self.k) = (size, alpha, beta, k)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.localResponseNorm(size: size, alpha: alpha, beta: beta, k: k)
    }
}
