// Parameter groups and what the adaptive optimizers share: per-group learning rates and weight
// decay (PyTorch's `param_groups`), hyperparameter validation that names the value, and state
// buffers allocated once on the first step and updated in place afterwards.

/// A set of parameters trained with its own learning rate and weight decay, like one entry of
/// PyTorch's `param_groups`. A `nil` setting means "the optimizer's default".
public struct ParameterGroup: Sendable {
    /// The parameters in this group.
    public var parameters: [Parameter]
    /// The group's learning rate, or nil for the optimizer's.
    public var learningRate: Float?
    /// The group's weight decay, or nil for the optimizer's.
    public var weightDecay: Float?

    /// A group of `parameters` with optional overrides of the optimizer's defaults.
    /// - Parameters:
    ///   - parameters: the parameters in the group.
    ///   - learningRate: the group's learning rate; nil uses the optimizer's.
    ///   - weightDecay: the group's weight decay; nil uses the optimizer's.
    public init(_ parameters: [Parameter], learningRate: Float? = nil, weightDecay: Float? = nil) {
        self.parameters = parameters
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }
}

/// An optimizer whose parameters come in groups, each with its own learning rate that
/// ``LearningRateSchedule/apply(step:to:)`` can change.
public protocol GroupedOptimizer: Optimizer {
    /// Per group, the learning rate in use now.
    var learningRates: [Float] { get set }
    /// Per group, the learning rate given at construction; schedules scale these.
    var initialLearningRates: [Float] { get }
    /// Per group, the weight decay.
    var weightDecays: [Float] { get }
}

extension GroupedOptimizer {
    /// Sets every group's learning rate to `rate` (convenient with a single group).
    public func setLearningRate(_ rate: Float) {
        learningRates = Array(repeating: rate, count: learningRates.count)
    }
}

/// A float buffer owned by one optimizer for one parameter (moments, momentum), zeroed when
/// allocated on the first step and reused in place afterwards.
final class OptimizerStateBuffer {
    let pointer: UnsafeMutableBufferPointer<Float>

    init(count: Int) {
        pointer = .allocate(capacity: count)
        pointer.initialize(repeating: 0)
    }

    deinit { pointer.deallocate() }
}

/// Per-parameter bookkeeping shared by Adam, AdamW and RMSprop.
struct OptimizerSlot {
    let parameter: Parameter
    let group: Int
    /// Steps taken with a gradient (PyTorch's per-parameter `state['step']`).
    var step = 0
    /// Zero or more buffers, allocated on the first step that has a gradient.
    var buffers: [OptimizerStateBuffer] = []
}

/// Hyperparameter checks whose errors name the optimizer, the setting and the offending value.
enum HyperparameterCheck {
    /// A finite value ≥ 0.
    static func nonNegative(_ value: Float, _ name: String, _ optimizer: String) throws {
        guard value.isFinite, value >= 0 else {
            throw TensorError.invalidArgument(operation: optimizer, reason: "\(name) \(value) must be finite and ≥ 0")
        }
    }

    /// A value in [0, 1) (Adam's betas, RMSprop's momentum).
    static func unitInterval(_ value: Float, _ name: String, _ optimizer: String, includingOne: Bool = false) throws {
        guard value.isFinite, value >= 0, includingOne ? value <= 1 : value < 1 else {
            throw TensorError.invalidArgument(operation: optimizer, reason: "\(name) \(value) must be in [0, 1\(includingOne ? "]" : ")")")
        }
    }

    /// Resolves and checks the groups' settings against the defaults.
    /// - Returns: per group, the learning rate and weight decay; and one slot per parameter.
    static func resolve(_ groups: [ParameterGroup], learningRate: Float, weightDecay: Float, optimizer: String) throws
        -> (learningRates: [Float], weightDecays: [Float], slots: [OptimizerSlot]) {
        try nonNegative(learningRate, "learning rate", optimizer)
        try nonNegative(weightDecay, "weight decay", optimizer)
        var rates: [Float] = [], decays: [Float] = [], slots: [OptimizerSlot] = []
        var seen = Set<ObjectIdentifier>()
        for (index, group) in groups.enumerated() {
            let rate = group.learningRate ?? learningRate, decay = group.weightDecay ?? weightDecay
            try nonNegative(rate, "learning rate of group \(index)", optimizer)
            try nonNegative(decay, "weight decay of group \(index)", optimizer)
            rates.append(rate)
            decays.append(decay)
            for parameter in group.parameters {
                guard seen.insert(ObjectIdentifier(parameter)).inserted else {
                    throw TensorError.invalidArgument(operation: optimizer, reason: "a parameter of shape \(parameter.shape) appears twice (group \(index))")
                }
                slots.append(OptimizerSlot(parameter: parameter, group: index))
            }
        }
        return (rates, decays, slots)
    }
}

extension Layer {
    /// This layer's parameters split into a "decay" group and a "no decay" group, the usual
    /// recipe for AdamW and SGD: by default 1-D parameters (biases, normalisation scales and
    /// shifts) get no weight decay, everything else (convolution and linear weights) gets
    /// `weightDecay`.
    ///
    ///     let optimizer = try AdamW(groups: model.weightDecayGroups(weightDecay: 0.05), learningRate: 1e-3)
    ///
    /// - Parameters:
    ///   - weightDecay: the decay of the first group; nil leaves the optimizer's default.
    ///   - isExempt: which named parameters get no decay; defaults to those of rank ≤ 1.
    /// - Returns: `[decay, noDecay]`, each in the order of ``namedParameters``; the second group
    ///   has weight decay 0. Either group may be empty.
    public func weightDecayGroups(weightDecay: Float? = nil,
                                  isExempt: (_ name: String, _ parameter: Parameter) -> Bool = { $1.shape.count <= 1 })
        -> [ParameterGroup] {
        var decay: [Parameter] = [], noDecay: [Parameter] = []
        for (name, parameter) in namedParameters {
            if isExempt(name, parameter) { noDecay.append(parameter) } else { decay.append(parameter) }
        }
        return [ParameterGroup(decay, weightDecay: weightDecay), ParameterGroup(noDecay, weightDecay: 0)]
    }
}
