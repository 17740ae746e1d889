// Max and average pooling layers over NCHW batches; the work is `Tensor.maxPool2d`/`avgPool2d`.

/// Max pooling: each output is the maximum of a window.
/// Output size `P = (H + padTop + padBottom − dilation·(k − 1) − 1) / stride + 1` (ceil with `ceilMode`).
public final class MaxPool2D: Layer {
    public let kernelSize: [Int], stride: [Int], padding: Padding, dilation: [Int], ceilMode: Bool

    /// - Parameter stride: defaults to the kernel size (non-overlapping windows), as in PyTorch.
    /// - Throws: for non-positive sizes.
    public init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: Padding = .valid,
                dilation: SpatialSize = 1, ceilMode: Bool = false) throws {
        self.kernelSize = try kernelSize.expanded(to: 2, what: "MaxPool2D kernel size")
        self.stride = try (stride ?? kernelSize).expanded(to: 2, what: "MaxPool2D stride")
        self.dilation = try dilation.expanded(to: 2, what: "MaxPool2D dilation")
        self.padding = padding
        self.ceilMode = ceilMode
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.maxPool2d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// Average pooling over windows; `countIncludePad` chooses PyTorch's divisor rule.
public final class AvgPool2D: Layer {
    public let kernelSize: [Int], stride: [Int], padding: Padding, ceilMode: Bool, countIncludePad: Bool

    /// - Throws: for non-positive sizes.
    public init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: Padding = .valid,
                ceilMode: Bool = false, countIncludePad: Bool = true) throws {
        self.kernelSize = try kernelSize.expanded(to: 2, what: "AvgPool2D kernel size")
        self.stride = try (stride ?? kernelSize).expanded(to: 2, what: "AvgPool2D stride")
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.avgPool2d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}
