// Stochastic gradient descent with momentum, Nesterov momentum and weight decay — PyTorch's
// `torch.optim.SGD` update rule, step for step.

/// What every optimizer offers.
public protocol Optimizer: AnyObject {
    /// Applies one update from the parameters' accumulated gradients.
    func step()
    /// Forgets the parameters' gradients.
    func zeroGradients()
}

/// SGD as in PyTorch: `g = ∇ + weightDecay·p`; with momentum, `b = momentum·b + (1 − dampening)·g`
/// (`b = g` on the first step) and `g = nesterov ? g + momentum·b : b`; then `p −= learningRate·g`.
/// Parameters may come in groups with their own learning rate and weight decay
/// (see ``Layer/weightDecayGroups(weightDecay:isExempt:)``).
public final class SGD: GroupedOptimizer {
    /// Every parameter, group after group.
    public let parameters: [Parameter]
    public var learningRates: [Float]
    public let initialLearningRates: [Float]
    public let weightDecays: [Float]
    public let momentum: Float, dampening: Float, nesterov: Bool
    /// The default weight decay, used by groups that do not set their own.
    public let weightDecay: Float
    var slots: [OptimizerSlot]

    /// The learning rate of the first group; setting it sets every group's (as a schedule with
    /// a single group does).
    public var learningRate: Float {
        get { learningRates.first ?? 0 }
        set { setLearningRate(newValue) }
    }

    /// SGD over groups of parameters.
    /// - Parameters:
    ///   - groups: the parameter groups; each may override `learningRate` and `weightDecay`.
    ///   - learningRate: the default learning rate.
    ///   - momentum: the momentum factor, finite and ≥ 0 (0 for none).
    ///   - dampening: dampening of the momentum, finite and ≥ 0.
    ///   - weightDecay: the default L2 penalty added to the gradient, finite and ≥ 0.
    ///   - nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for a learning rate, momentum,
    ///   dampening or weight decay that is negative or not finite, Nesterov without momentum, or
    ///   a parameter listed twice.
    public init(groups: [ParameterGroup], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) throws {
        try HyperparameterCheck.nonNegative(momentum, "momentum", "SGD")
        try HyperparameterCheck.nonNegative(dampening, "dampening", "SGD")
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw TensorError.invalidArgument(operation: "SGD", reason: "Nesterov momentum needs momentum > 0 and dampening 0")
        }
        let resolved = try HyperparameterCheck.resolve(groups, learningRate: learningRate, weightDecay: weightDecay, optimizer: "SGD")
        (learningRates, weightDecays, slots) = resolved
        initialLearningRates = resolved.learningRates
        parameters = slots.map(\.parameter)
        (self.momentum, self.dampening, self.weightDecay, self.nesterov) = (momentum, dampening, weightDecay, nesterov)
    }

    /// SGD over one group of parameters.
    /// See ``init(groups:learningRate:momentum:dampening:weightDecay:nesterov:)``.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` as that initializer does.
    public convenience init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                            weightDecay: Float = 0, nesterov: Bool = false) throws {
        try self.init(groups: [ParameterGroup(parameters)], learningRate: learningRate, momentum: momentum,
                      dampening: dampening, weightDecay: weightDecay, nesterov: nesterov)
    }

    public func step() {
        let (mu, damp, nest) = (momentum, dampening, nesterov)
        for index in slots.indices {
            let parameter = slots[index].parameter
            guard let gradient = parameter.gradient else { continue }
            let (lr, wd) = (learningRates[slots[index].group], weightDecays[slots[index].group])
            gradient.withUnsafeBufferPointer { grad in
                parameter.update { p in
                    if mu == 0 {
                        for i in p.indices { p[i] -= lr * (grad[i] + wd * p[i]) }
                        return
                    }
                    let first = slots[index].buffers.isEmpty
                    if first { slots[index].buffers = [OptimizerStateBuffer(count: p.count)] }
                    let b = slots[index].buffers[0].pointer
                    for i in p.indices {
                        let g = grad[i] + wd * p[i]
                        b[i] = first ? g : mu * b[i] + (1 - damp) * g
                        p[i] -= lr * (nest ? g + mu * b[i] : b[i])
                    }
                }
            }
        }
    }

    public func zeroGradients() { for p in parameters { p.zeroGradient() } }
}
