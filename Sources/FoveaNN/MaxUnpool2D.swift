// Max pooling with indices and max unpooling as layers (PyTorch's MaxPool2d(return_indices=True)
// and MaxUnpool2d), for encoder–decoder networks (SegNet) and deconvnet visualisations.

extension MaxPool2D {
    /// The pooled batch and the positions of its maxima, for ``MaxUnpool2D``.
    /// - Throws: as ``callAsFunction(_:)``.
    public func callAsFunction(withIndices input: Tensor) throws -> (output: Tensor, indices: MaxPoolIndices) {
        try input.maxPool2dWithIndices(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// Puts pooled values back at the positions of their maxima, zeros elsewhere:
/// `[N, C, P, Q]` → `[N, C, Hout, Wout]`, `Hout = (P − 1)·stride − padTop − padBottom + kernel`
/// unless an output size is given (likewise W).
///
/// It takes the indices as a second input, so it is not a ``Layer`` (PyTorch's `MaxUnpool2d`
/// cannot sit in an `nn.Sequential` either).
public final class MaxUnpool2D {
    public let kernelSize: [Int], stride: [Int], padding: Padding

    /// Use the pooling layer's kernel size, stride and padding.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive sizes.
    public init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: Padding = .valid) throws {
        self.kernelSize = try kernelSize.expanded(to: 2, what: "MaxUnpool2D kernel size")
        self.stride = try (stride ?? kernelSize).expanded(to: 2, what: "MaxUnpool2D stride")
        self.padding = padding
    }

    /// - Parameter outputSize: `[Hout, Wout]`; pass `indices.inputSize` to restore the pooled size exactly.
    /// - Throws: ``TensorError`` when the input and indices disagree or an index is outside the output.
    public func callAsFunction(_ input: Tensor, indices: MaxPoolIndices, outputSize: [Int]? = nil) throws -> Tensor {
        try input.maxUnpool2d(indices: indices, kernelSize: kernelSize, stride: stride, padding: padding, outputSize: outputSize)
    }
}
