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
public final class SGD: Optimizer {
    public let parameters: [Parameter]
    public var learningRate: Float
    public let momentum: Float, dampening: Float, weightDecay: Float, nesterov: Bool
    private var buffers: [[Float]?]

    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for a learning rate, momentum or
    ///   weight decay that is negative or not finite, or Nesterov without momentum.
    public init(parameters: [Parameter], learningRate: Float, momentum: Float = 0, dampening: Float = 0,
                weightDecay: Float = 0, nesterov: Bool = false) throws {
        for (name, value) in [("learning rate", learningRate), ("momentum", momentum), ("dampening", dampening), ("weight decay", weightDecay)] {
            guard value.isFinite, value >= 0 else {
                throw TensorError.invalidArgument(operation: "SGD", reason: "\(name) \(value) must be finite and ≥ 0")
            }
        }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw TensorError.invalidArgument(operation: "SGD", reason: "Nesterov momentum needs momentum > 0 and dampening 0")
        }
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        buffers = Array(repeating: nil, count: parameters.count)
    }

    public func step() {
        let (lr, mu, wd, damp, nest) = (learningRate, momentum, weightDecay, dampening, nesterov)
        for (index, parameter) in parameters.enumerated() {
            guard let gradient = parameter.gradient else { continue }
            gradient.withUnsafeBufferPointer { grad in
                parameter.update { p in
                    if mu == 0 {
                        for i in p.indices { p[i] -= lr * (grad[i] + wd * p[i]) }
                        return
                    }
                    let first = buffers[index] == nil
                    if first { buffers[index] = [Float](repeating: 0, count: p.count) }
                    buffers[index]!.withUnsafeMutableBufferPointer { b in
                        for i in p.indices {
                            let g = grad[i] + wd * p[i]
                            b[i] = first ? g : mu * b[i] + (1 - damp) * g
                            p[i] -= lr * (nest ? g + mu * b[i] : b[i])
                        }
                    }
                }
            }
        }
    }

    public func zeroGradients() { for p in parameters { p.zeroGradient() } }
}
