// RMSprop — PyTorch's `torch.optim.RMSprop` update rule, step for step (Hinton's lecture 6e;
// the centered variant from Graves 2013, "Generating Sequences With Recurrent Neural Networks").

/// RMSprop as in PyTorch. Per parameter:
/// ```
/// g = ∇ + weightDecay·p
/// s = α·s + (1 − α)·g²
/// centered: a = lerp(a, g, 1 − α);  d = √(s − a²) + ε      otherwise d = √s + ε
/// momentum > 0: b = momentum·b + g / d;  p −= lr·b            otherwise p −= lr·g / d
/// ```
public final class RMSprop: GroupedOptimizer {
    public var learningRates: [Float]
    public let initialLearningRates: [Float]
    public let weightDecays: [Float]
    /// The smoothing constant α of the squared-gradient average.
    public let alpha: Float
    /// Added to the denominator for stability.
    public let epsilon: Float
    /// The momentum factor (0 for none).
    public let momentum: Float
    /// Whether the gradient's running mean is subtracted (variance instead of second moment).
    public let centered: Bool
    var slots: [OptimizerSlot]

    /// RMSprop over groups of parameters.
    /// - Parameters:
    ///   - groups: the parameter groups; each may override `learningRate` and `weightDecay`.
    ///   - learningRate: the default learning rate (PyTorch's default 0.01).
    ///   - alpha: the smoothing constant, in [0, 1].
    ///   - epsilon: added to the denominator, ≥ 0.
    ///   - momentum: momentum factor, in [0, 1).
    ///   - centered: normalise by the estimated variance instead of the second moment.
    ///   - weightDecay: the default L2 penalty, added to the gradient, ≥ 0.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming a setting that is NaN,
    ///   infinite, negative or out of its range, or a parameter listed twice.
    public init(groups: [ParameterGroup], learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8,
                momentum: Float = 0, centered: Bool = false, weightDecay: Float = 0) throws {
        try HyperparameterCheck.unitInterval(alpha, "alpha", "RMSprop", includingOne: true)
        try HyperparameterCheck.nonNegative(epsilon, "epsilon", "RMSprop")
        try HyperparameterCheck.unitInterval(momentum, "momentum", "RMSprop")
        let resolved = try HyperparameterCheck.resolve(groups, learningRate: learningRate, weightDecay: weightDecay, optimizer: "RMSprop")
        (learningRates, weightDecays, slots) = resolved
        initialLearningRates = resolved.learningRates
        (self.alpha, self.epsilon, self.momentum, self.centered) = (alpha, epsilon, momentum, centered)
    }

    /// RMSprop over one group of parameters.
    /// See ``init(groups:learningRate:alpha:epsilon:momentum:centered:weightDecay:)``.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` as that initializer does.
    public convenience init(parameters: [Parameter], learningRate: Float = 0.01, alpha: Float = 0.99, epsilon: Float = 1e-8,
                            momentum: Float = 0, centered: Bool = false, weightDecay: Float = 0) throws {
        try self.init(groups: [ParameterGroup(parameters)], learningRate: learningRate, alpha: alpha, epsilon: epsilon,
                      momentum: momentum, centered: centered, weightDecay: weightDecay)
    }

    public func step() {
        // Buffers per parameter: [square average, gradient average if centered, momentum if any].
        let bufferCount = 1 + (centered ? 1 : 0) + (momentum > 0 ? 1 : 0)
        for index in slots.indices {
            let parameter = slots[index].parameter
            guard let gradient = parameter.gradient else { continue }
            if slots[index].buffers.isEmpty {
                slots[index].buffers = (0..<bufferCount).map { _ in OptimizerStateBuffer(count: parameter.count) }
            }
            slots[index].step += 1
            let group = slots[index].group
            let (lr, wd, a, eps, mu) = (learningRates[group], weightDecays[group], alpha, epsilon, momentum)
            let buffers = slots[index].buffers
            let square = buffers[0].pointer
            let mean = centered ? buffers[1].pointer : nil
            let velocity = mu > 0 ? buffers[bufferCount - 1].pointer : nil
            gradient.withUnsafeBufferPointer { grad in
                parameter.update { p in
                    for i in p.indices {
                        let g = grad[i] + wd * p[i]
                        square[i] = a * square[i] + (1 - a) * g * g
                        var denominator: Float
                        if let mean {
                            mean[i] = lerp(mean[i], g, 1 - a)
                            denominator = (square[i] - mean[i] * mean[i]).squareRoot()
                        } else {
                            denominator = square[i].squareRoot()
                        }
                        denominator += eps
                        if let velocity {
                            velocity[i] = mu * velocity[i] + g / denominator
                            p[i] -= lr * velocity[i]
                        } else {
                            p[i] -= lr * (g / denominator)
                        }
                    }
                }
            }
        }
    }

    public func zeroGradients() { for slot in slots { slot.parameter.zeroGradient() } }
}
