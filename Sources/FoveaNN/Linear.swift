// A fully connected layer: y = x·Wᵀ + b.

/// Dense layer: input `[N, inputFeatures]` → `[N, outputFeatures]`; weight `[out, in]` and bias
/// `[out]` as in PyTorch, initialised as PyTorch does.
public final class Linear: Layer {
    public let weight: Parameter
    public let bias: Parameter?

    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive sizes.
    public init(inputFeatures: Int, outputFeatures: Int, bias: Bool = true, initializer: Initializer = .pytorchDefault) throws {
        guard inputFeatures >= 1, outputFeatures >= 1 else {
            throw TensorError.invalidArgument(operation: "Linear", reason: "features \(inputFeatures)→\(outputFeatures) must be positive")
        }
        weight = Parameter(try initializer.weight([outputFeatures, inputFeatures], fanIn: inputFeatures, fanOut: outputFeatures))
        self.bias = bias ? Parameter(try Initializer.pytorchBias(outputFeatures, fanIn: inputFeatures)) : nil
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try Tensor.linear(input, weight: weight.value, bias: bias?.value)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
