// Sequential: layers applied one after another, named "0", "1", … as in PyTorch.

/// Applies its layers in order. Parameter names are `"<index>.<name>"`, as in `nn.Sequential`.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try layers.reduce(input) { try $1($0) }
    }

    public var children: [(name: String, layer: any Layer)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }
}
