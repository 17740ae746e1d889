// Activation layers: thin wrappers over the element-wise and softmax ops of FoveaTensor.
// Every layer accepts any shape (PReLU: channels on axis 1) and returns the input's shape.

/// Leaky ReLU: `x` for `x > 0`, `negativeSlope·x` otherwise (PyTorch's `nn.LeakyReLU`).
public final class LeakyReLU: Layer {
    public let negativeSlope: Float

    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for a slope that is not finite.
    public init(negativeSlope: Float = 0.01) throws {
        guard negativeSlope.isFinite else {
            throw TensorError.invalidArgument(operation: "LeakyReLU", reason: "negative slope \(negativeSlope) must be finite")
        }
        self.negativeSlope = negativeSlope
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { input.leakyRelu(negativeSlope: negativeSlope) }
}

/// Parametric ReLU with learned negative slopes (He et al. 2015, PyTorch's `nn.PReLU`).
///
/// `parameterCount` slopes: 1 (shared by every channel) or the number of channels, applied along
/// axis 1 of the input (`[N, C, …]`). The parameter is named `"weight"` and starts at `initialSlope`
/// (PyTorch: 0.25).
public final class PReLU: Layer {
    public let weight: Parameter

    /// - Parameters:
    ///   - parameterCount: 1, or the number of input channels.
    ///   - initialSlope: the starting value of every slope.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for a count below 1.
    public init(parameterCount: Int = 1, initialSlope: Float = 0.25) throws {
        guard parameterCount >= 1 else {
            throw TensorError.invalidArgument(operation: "PReLU", reason: "parameter count \(parameterCount) must be positive")
        }
        weight = Parameter(try Tensor(repeating: initialSlope, shape: [parameterCount]))
    }

    /// - Throws: when the input's channel count (axis 1) differs from the number of slopes.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.prelu(weight: weight.value) }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] }
}

/// Exponential linear unit: `x` for `x > 0`, `alpha·(eˣ − 1)` otherwise (PyTorch's `nn.ELU`).
public final class ELU: Layer {
    public let alpha: Float

    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for an `alpha` that is not finite.
    public init(alpha: Float = 1) throws {
        guard alpha.isFinite else {
            throw TensorError.invalidArgument(operation: "ELU", reason: "alpha \(alpha) must be finite")
        }
        self.alpha = alpha
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { input.elu(alpha: alpha) }
}

/// The logistic function `1 / (1 + e⁻ˣ)` element-wise.
public final class Sigmoid: Layer {
    public init() {}
    public func callAsFunction(_ input: Tensor) throws -> Tensor { input.sigmoid() }
}

/// `tanh x` element-wise.
public final class Tanh: Layer {
    public init() {}
    public func callAsFunction(_ input: Tensor) throws -> Tensor { input.tanh() }
}

/// `eˣ / Σ eˣ` along one axis (default: the last; use `axis: 1` for the channels of `[N, C, H, W]`).
public final class Softmax: Layer {
    public let axis: Int

    public init(axis: Int = -1) { self.axis = axis }

    /// - Throws: ``TensorError/indexOutOfRange(operation:index:range:)`` when the axis is outside the input's rank.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.softmax(alongAxis: axis) }
}
