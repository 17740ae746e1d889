// The Layer protocol: a forward function, explicitly listed parameters and sublayers, and
// the train/eval switch. Names compose with dots, as in PyTorch's state dicts.

/// A building block of a network.
///
/// A layer lists its own parameters (``ownParameters``) and sublayers (``children``) explicitly;
/// ``namedParameters`` joins them into dotted names (`"0.weight"`, `"features.3.bias"`) that match
/// PyTorch's `state_dict()` for the same architecture.
public protocol Layer: AnyObject {
    /// The layer applied to a batch.
    /// - Throws: ``TensorError`` when the input's shape does not fit the layer.
    func callAsFunction(_ input: Tensor) throws -> Tensor

    /// This layer's own parameters with their local names (`"weight"`, `"bias"`).
    var ownParameters: [(name: String, parameter: Parameter)] { get }

    /// The sublayers with their local names.
    var children: [(name: String, layer: any Layer)] { get }

    /// This layer's own non-trainable state (running statistics) with local names, as PyTorch's
    /// buffers (`"running_mean"`). Empty unless the layer keeps such state.
    var ownBuffers: [(name: String, buffer: Buffer)] { get }

    /// Switches training-only behaviour (dropout, batch statistics). Containers forward it.
    func setTraining(_ training: Bool)

    /// The output shape, cost and spatial footprint of this layer for an input of `shape`
    /// (see ``LayerAnalysis``). The default runs the layer once on zeros and reports no cost.
    /// - Throws: when the layer cannot take an input of that shape (naming the layer and shape).
    func analyze(input shape: [Int]) throws -> LayerAnalysis
}

extension Layer {
    public var ownParameters: [(name: String, parameter: Parameter)] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }
    public var ownBuffers: [(name: String, buffer: Buffer)] { [] }
    public func setTraining(_ training: Bool) { for child in children { child.layer.setTraining(training) } }

    /// Every parameter of this layer and its sublayers, with dotted names, in a fixed order.
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var result = ownParameters
        for (childName, child) in children {
            result += child.namedParameters.map { ("\(childName).\($0.name)", $0.parameter) }
        }
        return result
    }

    /// Every buffer of this layer and its sublayers, with dotted names as in PyTorch's
    /// `named_buffers()` (`"1.running_mean"`), in a fixed order.
    public var namedBuffers: [(name: String, buffer: Buffer)] {
        var result = ownBuffers
        for (childName, child) in children {
            result += child.namedBuffers.map { ("\(childName).\($0.name)", $0.buffer) }
        }
        return result
    }

    /// Every parameter, in the order of ``namedParameters``.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The total number of trainable values.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.count } }

    /// Training mode (dropout active).
    public func train() { setTraining(true) }
    /// Evaluation mode (dropout off).
    public func eval() { setTraining(false) }

    /// Forgets every parameter's gradient.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }
}
