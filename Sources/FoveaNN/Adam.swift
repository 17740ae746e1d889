// Adam and AdamW — PyTorch's `torch.optim.Adam` / `torch.optim.AdamW` update rules, step for step
// (Kingma & Ba 2015, "Adam: A Method for Stochastic Optimization"; Loshchilov & Hutter 2019,
// "Decoupled Weight Decay Regularization"). Both share one update loop; they differ only in
// where weight decay enters.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam as in PyTorch. Per parameter, with `t` counting its steps:
/// ```
/// g = ∇ + weightDecay·p                       (L2 penalty, coupled with the gradient)
/// m = β₁·m + (1 − β₁)·g,   v = β₂·v + (1 − β₂)·g²
/// v̂ = amsgrad ? (vmax = max(vmax, v)) : v
/// p −= lr / (1 − β₁ᵗ) · m / (√v̂ / √(1 − β₂ᵗ) + ε)
/// ```
public final class Adam: GroupedOptimizer {
    var core: AdamCore

    /// Adam over groups of parameters.
    /// - Parameters:
    ///   - groups: the parameter groups; each may override `learningRate` and `weightDecay`.
    ///   - learningRate: the default learning rate (PyTorch's default 0.001).
    ///   - betas: the decay rates (β₁, β₂) of the first and second moment estimates, each in [0, 1).
    ///   - epsilon: added to the denominator for stability, ≥ 0.
    ///   - weightDecay: the default L2 penalty, added to the gradient, ≥ 0.
    ///   - amsgrad: use the maximum of past second moments (Reddi et al. 2018).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming a setting that is NaN,
    ///   infinite or negative, a beta outside [0, 1), or a parameter listed twice.
    public init(groups: [ParameterGroup], learningRate: Float = 0.001, betas: (Float, Float) = (0.9, 0.999),
                epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false) throws {
        core = try AdamCore(name: "Adam", groups: groups, learningRate: learningRate, betas: betas, epsilon: epsilon,
                            weightDecay: weightDecay, amsgrad: amsgrad, decoupled: false)
    }

    /// Adam over one group of parameters. See ``init(groups:learningRate:betas:epsilon:weightDecay:amsgrad:)``.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` as that initializer does.
    public convenience init(parameters: [Parameter], learningRate: Float = 0.001, betas: (Float, Float) = (0.9, 0.999),
                            epsilon: Float = 1e-8, weightDecay: Float = 0, amsgrad: Bool = false) throws {
        try self.init(groups: [ParameterGroup(parameters)], learningRate: learningRate, betas: betas,
                      epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public var learningRates: [Float] { get { core.learningRates } set { core.learningRates = newValue } }
    public var initialLearningRates: [Float] { core.initialLearningRates }
    public var weightDecays: [Float] { core.weightDecays }
    public func step() { core.step() }
    public func zeroGradients() { core.zeroGradients() }
}

/// AdamW as in PyTorch: Adam with decoupled weight decay. Per parameter, before Adam's update
/// (without the L2 term), `p −= lr·weightDecay·p`.
public final class AdamW: GroupedOptimizer {
    var core: AdamCore

    /// AdamW over groups of parameters.
    /// - Parameters:
    ///   - groups: the parameter groups; each may override `learningRate` and `weightDecay`.
    ///   - learningRate: the default learning rate (PyTorch's default 0.001).
    ///   - betas: the decay rates (β₁, β₂) of the moment estimates, each in [0, 1).
    ///   - epsilon: added to the denominator for stability, ≥ 0.
    ///   - weightDecay: the default decoupled decay (PyTorch's default 0.01), ≥ 0.
    ///   - amsgrad: use the maximum of past second moments.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming a setting that is NaN,
    ///   infinite or negative, a beta outside [0, 1), or a parameter listed twice.
    public init(groups: [ParameterGroup], learningRate: Float = 0.001, betas: (Float, Float) = (0.9, 0.999),
                epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false) throws {
        core = try AdamCore(name: "AdamW", groups: groups, learningRate: learningRate, betas: betas, epsilon: epsilon,
                            weightDecay: weightDecay, amsgrad: amsgrad, decoupled: true)
    }

    /// AdamW over one group of parameters. See ``init(groups:learningRate:betas:epsilon:weightDecay:amsgrad:)``.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` as that initializer does.
    public convenience init(parameters: [Parameter], learningRate: Float = 0.001, betas: (Float, Float) = (0.9, 0.999),
                            epsilon: Float = 1e-8, weightDecay: Float = 0.01, amsgrad: Bool = false) throws {
        try self.init(groups: [ParameterGroup(parameters)], learningRate: learningRate, betas: betas,
                      epsilon: epsilon, weightDecay: weightDecay, amsgrad: amsgrad)
    }

    public var learningRates: [Float] { get { core.learningRates } set { core.learningRates = newValue } }
    public var initialLearningRates: [Float] { core.initialLearningRates }
    public var weightDecays: [Float] { core.weightDecays }
    public func step() { core.step() }
    public func zeroGradients() { core.zeroGradients() }
}

/// The update loop Adam and AdamW share.
struct AdamCore {
    var learningRates: [Float]
    let initialLearningRates: [Float], weightDecays: [Float]
    let beta1: Float, beta2: Float, epsilon: Float, amsgrad: Bool, decoupled: Bool
    var slots: [OptimizerSlot]

    init(name: String, groups: [ParameterGroup], learningRate: Float, betas: (Float, Float), epsilon: Float,
         weightDecay: Float, amsgrad: Bool, decoupled: Bool) throws {
        try HyperparameterCheck.unitInterval(betas.0, "beta1", name)
        try HyperparameterCheck.unitInterval(betas.1, "beta2", name)
        try HyperparameterCheck.nonNegative(epsilon, "epsilon", name)
        let resolved = try HyperparameterCheck.resolve(groups, learningRate: learningRate, weightDecay: weightDecay, optimizer: name)
        (learningRates, weightDecays, slots) = resolved
        initialLearningRates = resolved.learningRates
        (beta1, beta2, self.epsilon, self.amsgrad, self.decoupled) = (betas.0, betas.1, epsilon, amsgrad, decoupled)
    }

    mutating func step() {
        for index in slots.indices {
            let parameter = slots[index].parameter
            guard let gradient = parameter.gradient else { continue }
            if slots[index].buffers.isEmpty {
                slots[index].buffers = (0..<(amsgrad ? 3 : 2)).map { _ in OptimizerStateBuffer(count: parameter.count) }
            }
            slots[index].step += 1
            let group = slots[index].group
            let (lr, wd, b1, b2, eps) = (learningRates[group], weightDecays[group], beta1, beta2, epsilon)
            let t = Double(slots[index].step)
            let stepSize = Float(Double(lr) / (1 - pow(Double(b1), t)))
            let correction2 = Float(sqrt(1 - pow(Double(b2), t)))
            let (m, v) = (slots[index].buffers[0].pointer, slots[index].buffers[1].pointer)
            let vMax = amsgrad ? slots[index].buffers[2].pointer : nil
            let (l2, decay) = (decoupled ? 0 : wd, decoupled ? 1 - lr * wd : 1)
            gradient.withUnsafeBufferPointer { grad in
                parameter.update { p in
                    for i in p.indices {
                        p[i] *= decay
                        let g = grad[i] + l2 * p[i]
                        m[i] = lerp(m[i], g, 1 - b1)
                        v[i] = b2 * v[i] + (1 - b2) * g * g
                        var second = v[i]
                        if let vMax { vMax[i] = Swift.max(vMax[i], second); second = vMax[i] }
                        p[i] -= stepSize * (m[i] / (second.squareRoot() / correction2 + eps))
                    }
                }
            }
        }
    }

    func zeroGradients() { for slot in slots { slot.parameter.zeroGradient() } }
}

/// `a + w·(b − a)` computed as PyTorch's CPU `lerp` does (from the nearer end).
@inline(__always)
func lerp(_ a: Float, _ b: Float, _ w: Float) -> Float {
    let difference = b - a
    return w < 0.5 ? a + w * difference : b - difference * (1 - w)
}
