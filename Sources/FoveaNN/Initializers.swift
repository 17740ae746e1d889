// Weight initialisation, matching PyTorch's defaults so that a model built in Fovea starts from
// the same distribution as its PyTorch twin.

/// How a layer's weights are drawn.
public enum Initializer: Sendable {
    /// PyTorch's default for `Conv*d` and `Linear`: `kaiming_uniform_(a=√5)`, i.e.
    /// U(−1/√fanIn, 1/√fanIn) for weights; biases U(−1/√fanIn, 1/√fanIn) too.
    case pytorchDefault
    /// He et al. normal: N(0, 2/fanIn), suited to ReLU networks.
    case kaimingNormal
    /// Glorot/Xavier uniform: U(±√(6/(fanIn + fanOut))).
    case xavierUniform
    /// All zeros.
    case zeros

    /// A weight tensor of `shape` with the given fans, drawn from the global generator.
    public func weight(_ shape: [Int], fanIn: Int, fanOut: Int) throws -> Tensor {
        try GlobalRandom.withGenerator { g in
            switch self {
            case .pytorchDefault:
                let bound = fanIn > 0 ? 1 / Float(fanIn).squareRoot() : 0
                return try Tensor.randomUniform(shape, lower: -bound, upper: bound, using: &g)
            case .kaimingNormal:
                return try Tensor.randomNormal(shape, standardDeviation: fanIn > 0 ? (2 / Float(fanIn)).squareRoot() : 0, using: &g)
            case .xavierUniform:
                let bound = fanIn + fanOut > 0 ? (6 / Float(fanIn + fanOut)).squareRoot() : 0
                return try Tensor.randomUniform(shape, lower: -bound, upper: bound, using: &g)
            case .zeros:
                return try Tensor.zeros(shape)
            }
        }
    }

    /// PyTorch's default bias: U(−1/√fanIn, 1/√fanIn).
    public static func pytorchBias(_ count: Int, fanIn: Int) throws -> Tensor {
        try Initializer.pytorchDefault.weight([count], fanIn: fanIn, fanOut: count)
    }
}
