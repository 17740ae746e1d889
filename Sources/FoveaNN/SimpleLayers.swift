// Parameter-free layers: ReLU, Flatten and Dropout.

/// max(x, 0) element-wise.
public final class ReLU: Layer {
    public init() {}
    public func callAsFunction(_ input: Tensor) throws -> Tensor { input.relu() }
}

/// Collapses every dimension from `startAxis` (default 1, keeping the batch) into one.
public final class Flatten: Layer {
    public let startAxis: Int
    public init(startAxis: Int = 1) { self.startAxis = startAxis }
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.flattened(startingAt: startAxis) }
}

/// Inverted dropout: in training, zeroes each element with probability `probability` and scales
/// the rest by 1/(1 − p); in evaluation, the identity. Its mask stream is seeded from the global
/// generator when the layer is built, so a seeded run drops the same units every time.
public final class Dropout: Layer {
    public let probability: Float
    /// The mask stream; read and assign it to save and restore a run exactly.
    public var generator: SeededGenerator
    private var isTraining = true

    /// - Throws: when `probability` is outside [0, 1).
    public init(probability: Float = 0.5) throws {
        guard probability >= 0, probability < 1 else {
            throw TensorError.invalidArgument(operation: "Dropout", reason: "probability \(probability) must be in [0, 1)")
        }
        self.probability = probability
        generator = SeededGenerator(seed: GlobalRandom.nextSeed())
    }

    public func setTraining(_ training: Bool) { isTraining = training }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard isTraining, probability > 0 else { return input }
        let keep = 1 - probability, scale = 1 / keep
        var mask = try Tensor.zeros(input.shape)
        mask.withUnsafeMutableBufferPointer { m in
            for i in m.indices { m[i] = generator.nextUnitFloat() < keep ? scale : 0 }
        }
        return try input * mask
    }
}
