// 1-D and 3-D max and average pooling layers; the work is `Tensor.maxPool1d`/`avgPool1d`/
// `maxPool3d`/`avgPool3d`. Arguments follow PyTorch's MaxPool1d/3d and AvgPool1d/3d.

/// Max pooling of `[N, C, L]` batches: `Lout = (L + padBegin + padEnd − dilation·(k − 1) − 1) / stride + 1`
/// (rounded up with `ceilMode`, dropping a last window that starts in the end padding).
public final class MaxPool1D: Layer {
    public let kernelSize: Int, stride: Int, padding: Padding, dilation: Int, ceilMode: Bool

    /// - Parameter stride: defaults to the kernel size.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive sizes; at call time
    ///   for an input that is not `[N, C, L]`, padding above half the window, or a window that does not fit.
    public init(kernelSize: Int, stride: Int? = nil, padding: Padding = .valid, dilation: Int = 1, ceilMode: Bool = false) throws {
        self.kernelSize = try SpatialSize(integerLiteral: kernelSize).expanded(to: 1, what: "MaxPool1D kernel size")[0]
        self.stride = try SpatialSize(integerLiteral: stride ?? kernelSize).expanded(to: 1, what: "MaxPool1D stride")[0]
        self.dilation = try SpatialSize(integerLiteral: dilation).expanded(to: 1, what: "MaxPool1D dilation")[0]
        self.padding = padding
        self.ceilMode = ceilMode
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.maxPool1d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// Average pooling of `[N, C, L]` batches (output size as ``MaxPool1D``); `countIncludePad`
/// chooses PyTorch's divisor rule.
public final class AvgPool1D: Layer {
    public let kernelSize: Int, stride: Int, padding: Padding, ceilMode: Bool, countIncludePad: Bool

    /// - Throws: as ``MaxPool1D/init(kernelSize:stride:padding:dilation:ceilMode:)``.
    public init(kernelSize: Int, stride: Int? = nil, padding: Padding = .valid, ceilMode: Bool = false,
                countIncludePad: Bool = true) throws {
        self.kernelSize = try SpatialSize(integerLiteral: kernelSize).expanded(to: 1, what: "AvgPool1D kernel size")[0]
        self.stride = try SpatialSize(integerLiteral: stride ?? kernelSize).expanded(to: 1, what: "AvgPool1D stride")[0]
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.avgPool1d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}

/// Max pooling of `[N, C, D, H, W]` batches over kd×kh×kw windows; each output axis is sized as in
/// ``MaxPool1D``.
public final class MaxPool3D: Layer {
    public let kernelSize: [Int], stride: [Int], padding: Padding, dilation: [Int], ceilMode: Bool

    /// - Parameters: kernelSize, stride (default: the kernel size), dilation: one value or `[d, h, w]`.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive sizes; at call time
    ///   for an input that is not `[N, C, D, H, W]`, padding above half the window, or a window that does not fit.
    public init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: Padding = .valid,
                dilation: SpatialSize = 1, ceilMode: Bool = false) throws {
        self.kernelSize = try kernelSize.expanded(to: 3, what: "MaxPool3D kernel size")
        self.stride = try (stride ?? kernelSize).expanded(to: 3, what: "MaxPool3D stride")
        self.dilation = try dilation.expanded(to: 3, what: "MaxPool3D dilation")
        self.padding = padding
        self.ceilMode = ceilMode
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.maxPool3d(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation, ceilMode: ceilMode)
    }
}

/// Average pooling of `[N, C, D, H, W]` batches (output size as ``MaxPool3D``); `countIncludePad`
/// chooses PyTorch's divisor rule.
public final class AvgPool3D: Layer {
    public let kernelSize: [Int], stride: [Int], padding: Padding, ceilMode: Bool, countIncludePad: Bool

    /// - Throws: as ``MaxPool3D/init(kernelSize:stride:padding:dilation:ceilMode:)``.
    public init(kernelSize: SpatialSize, stride: SpatialSize? = nil, padding: Padding = .valid,
                ceilMode: Bool = false, countIncludePad: Bool = true) throws {
        self.kernelSize = try kernelSize.expanded(to: 3, what: "AvgPool3D kernel size")
        self.stride = try (stride ?? kernelSize).expanded(to: 3, what: "AvgPool3D stride")
        self.padding = padding
        self.ceilMode = ceilMode
        self.countIncludePad = countIncludePad
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.avgPool3d(kernelSize: kernelSize, stride: stride, padding: padding, ceilMode: ceilMode, countIncludePad: countIncludePad)
    }
}
