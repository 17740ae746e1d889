// Sequential: layers applied one after another, named "0", "1", … as in PyTorch.

/// Applies its layers in order. Parameter names are `"<index>.<name>"`, as in `nn.Sequential`.
public final class Sequential: Layer {
    public let layers: [any Layer]

    public init(_ layers: [any Layer]) { self.layers = layers }
    public convenience init(_ layers: any Layer...) { self.init(layers) }

    /// Applies the layers in order. A `Conv2D` followed by a `BatchNorm2D` and/or a `ReLU` runs as
    /// one fused step (``Conv2D/callAsFunction(_:thenBatchNorm:thenReLU:)``): the same results
    /// (bit for bit with the ReLU alone; to rounding when an inference-mode batch norm is folded),
    /// fewer passes over memory.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input, i = 0
        while i < layers.count {
            if let conv = layers[i] as? Conv2D {
                var next = i + 1
                let batchNorm = next < layers.count ? layers[next] as? BatchNorm2D : nil
                if batchNorm != nil { next += 1 }
                let relu = next < layers.count && layers[next] is ReLU
                if relu { next += 1 }
                if next > i + 1 {
                    x = try conv(x, thenBatchNorm: batchNorm, thenReLU: relu)
                    i = next
                    continue
                }
            }
            x = try layers[i](x)
            i += 1
        }
        return x
    }

    public var children: [(name: String, layer: any Layer)] {
        layers.enumerated().map { ("\($0.offset)", $0.element) }
    }
}
