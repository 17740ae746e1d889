// Adaptive and global pooling layers: a fixed output size whatever the input size, so one model
// accepts images of several sizes (conv → adaptive pool → linear). The work is
// `Tensor.adaptiveAvgPool`/`adaptiveMaxPool`/`globalAvgPool`/`globalMaxPool`.
// Output `i` of an axis of size `in` → `out` pools inputs ⌊i·in/out⌋ ..< ⌈(i + 1)·in/out⌉.

/// Adaptive average pooling of `[N, C, L]` → `[N, C, outputSize]` (PyTorch's AdaptiveAvgPool1d).
public final class AdaptiveAvgPool1D: Layer {
    public let outputSize: [Int]
    /// - Throws: for a non-positive size.
    public init(outputSize: Int) throws { self.outputSize = try SpatialSize([outputSize]).expanded(to: 1, what: "AdaptiveAvgPool1D output size") }
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.rankChecked(3, "AdaptiveAvgPool1D").adaptiveAvgPool(outputSize: outputSize) }
}

/// Adaptive average pooling of `[N, C, H, W]` → `[N, C, outH, outW]` (PyTorch's AdaptiveAvgPool2d).
public final class AdaptiveAvgPool2D: Layer {
    public let outputSize: [Int]
    /// - Parameter outputSize: `n` or `[outH, outW]`. - Throws: for non-positive sizes.
    public init(outputSize: SpatialSize) throws { self.outputSize = try outputSize.expanded(to: 2, what: "AdaptiveAvgPool2D output size") }
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.rankChecked(4, "AdaptiveAvgPool2D").adaptiveAvgPool(outputSize: outputSize) }
}

/// Adaptive average pooling of `[N, C, D, H, W]` → `[N, C, outD, outH, outW]` (PyTorch's AdaptiveAvgPool3d).
public final class AdaptiveAvgPool3D: Layer {
    public let outputSize: [Int]
    /// - Parameter outputSize: `n` or `[outD, outH, outW]`. - Throws: for non-positive sizes.
    public init(outputSize: SpatialSize) throws { self.outputSize = try outputSize.expanded(to: 3, what: "AdaptiveAvgPool3D output size") }
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.rankChecked(5, "AdaptiveAvgPool3D").adaptiveAvgPool(outputSize: outputSize) }
}

/// Adaptive max pooling of `[N, C, L]` → `[N, C, outputSize]` (PyTorch's AdaptiveMaxPool1d).
public final class AdaptiveMaxPool1D: Layer {
    public let outputSize: [Int]
    /// - Throws: for a non-positive size.
    public init(outputSize: Int) throws { self.outputSize = try SpatialSize([outputSize]).expanded(to: 1, what: "AdaptiveMaxPool1D output size") }
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.rankChecked(3, "AdaptiveMaxPool1D").adaptiveMaxPool(outputSize: outputSize) }
}

/// Adaptive max pooling of `[N, C, H, W]` → `[N, C, outH, outW]` (PyTorch's AdaptiveMaxPool2d).
public final class AdaptiveMaxPool2D: Layer {
    public let outputSize: [Int]
    /// - Parameter outputSize: `n` or `[outH, outW]`. - Throws: for non-positive sizes.
    public init(outputSize: SpatialSize) throws { self.outputSize = try outputSize.expanded(to: 2, what: "AdaptiveMaxPool2D output size") }
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.rankChecked(4, "AdaptiveMaxPool2D").adaptiveMaxPool(outputSize: outputSize) }
}

/// Adaptive max pooling of `[N, C, D, H, W]` → `[N, C, outD, outH, outW]` (PyTorch's AdaptiveMaxPool3d).
public final class AdaptiveMaxPool3D: Layer {
    public let outputSize: [Int]
    /// - Parameter outputSize: `n` or `[outD, outH, outW]`. - Throws: for non-positive sizes.
    public init(outputSize: SpatialSize) throws { self.outputSize = try outputSize.expanded(to: 3, what: "AdaptiveMaxPool3D output size") }
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.rankChecked(5, "AdaptiveMaxPool3D").adaptiveMaxPool(outputSize: outputSize) }
}

/// The mean over all spatial axes of `[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]`: output
/// `[N, C]`, or `[N, C, 1, …]` with `keepingDimensions` (PyTorch's `AdaptiveAvgPool2d(1)`).
public final class GlobalAvgPool: Layer {
    public let keepingDimensions: Bool
    public init(keepingDimensions: Bool = false) { self.keepingDimensions = keepingDimensions }
    /// - Throws: for an input of rank other than 3 to 5.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.globalAvgPool(keepingDimensions: keepingDimensions) }
}

/// The maximum over all spatial axes of `[N, C, L]`, `[N, C, H, W]` or `[N, C, D, H, W]`: output
/// `[N, C]`, or `[N, C, 1, …]` with `keepingDimensions`.
public final class GlobalMaxPool: Layer {
    public let keepingDimensions: Bool
    public init(keepingDimensions: Bool = false) { self.keepingDimensions = keepingDimensions }
    /// - Throws: for an input of rank other than 3 to 5.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try input.globalMaxPool(keepingDimensions: keepingDimensions) }
}

extension Tensor {
    /// `self` when its rank is `rank`, otherwise an error naming `layer` and the shape.
    func rankChecked(_ rank: Int, _ layer: String) throws -> Tensor {
        guard self.rank == rank else {
            let layout = ["[N, C, L]", "[N, C, H, W]", "[N, C, D, H, W]"][rank - 3]
            throw TensorError.invalidArgument(operation: layer, reason: "input of shape \(shape) is not \(layout)")
        }
        return self
    }
}
