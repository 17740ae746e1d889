// Convolution layers over 1, 2 and 3 spatial dimensions: parameters and validation; the work is
// `Tensor.convolution`, shared by all three through ConvolutionSettings.

/// 2-D convolution (cross-correlation; true convolution with `flipsKernel`) over NCHW batches.
///
/// Input `[N, inputChannels, H, W]` → output `[N, outputChannels, P, Q]` with
/// `P = (H + padTop + padBottom − dilation·(kernelHeight − 1) − 1) / stride + 1` (likewise Q).
/// Weight `[outputChannels, inputChannels/groups, kernelHeight, kernelWidth]`, bias `[outputChannels]`,
/// initialised as in PyTorch. `paddingMode` fills the padding with zeros (default), a reflection,
/// the edge value or the opposite edge.
public final class Conv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    let settings: ConvolutionSettings
    public var stride: [Int] { settings.stride }
    public var padding: Padding { settings.padding }
    public var dilation: [Int] { settings.dilation }
    public var groups: Int { settings.groups }

    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive sizes, negative
    ///   padding, or groups that do not divide the channels.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: Padding = .valid, paddingMode: PaddingMode = .zeros, dilation: SpatialSize = 1, groups: Int = 1,
                bias: Bool = true, flipsKernel: Bool = false, initializer: Initializer = .pytorchDefault) throws {
        settings = try ConvolutionSettings(layer: "Conv2D", dimensions: 2, inputChannels: inputChannels, outputChannels: outputChannels,
                                           kernelSize: kernelSize, stride: stride, padding: padding, paddingMode: paddingMode,
                                           dilation: dilation, groups: groups, flipsKernel: flipsKernel)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias, initializer: initializer)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try settings.apply(input, weight: weight.value, bias: bias?.value, layer: "Conv2D")
    }

    /// This convolution, then `batchNorm` (when given), then ReLU (when `relu`), as the three
    /// layers compute them one after another, but in fewer passes over the output: the ReLU is
    /// applied as the convolution writes its results, and an inference-mode batch normalisation
    /// (running statistics, gradient recording off) is folded into a per-channel scale and shift
    /// applied there too, as inference engines do. `Sequential` calls this for such runs of layers.
    /// - Throws: as the layers would.
    public func callAsFunction(_ input: Tensor, thenBatchNorm batchNorm: BatchNorm2D?, thenReLU relu: Bool) throws -> Tensor {
        guard let batchNorm else {
            return try settings.apply(input, weight: weight.value, bias: bias?.value, layer: "Conv2D", relu: relu)
        }
        if !GradientRecording.isEnabled, !settings.flipsKernel, batchNorm.core.featureCount == weight.shape[0],
           let folded = try batchNorm.core.inferenceScaleAndShift(precededByBias: bias?.value) {
            return try settings.applyInference(input, weight: weight.value, scale: folded.scale, shift: folded.shift,
                                               layer: "Conv2D", relu: relu)
        }
        let y = try batchNorm(try self(input))
        return relu ? y.relu() : y
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// 1-D convolution over time series `[N, inputChannels, W]` → `[N, outputChannels, Q]`,
/// `Q = (W + padBefore + padAfter − dilation·(k − 1) − 1) / stride + 1`; weight `[out, in/groups, k]`.
public final class Conv1D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    let settings: ConvolutionSettings

    /// - Throws: as ``Conv2D/init(inputChannels:outputChannels:kernelSize:stride:padding:paddingMode:dilation:groups:bias:flipsKernel:initializer:)``.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
                paddingMode: PaddingMode = .zeros, dilation: Int = 1, groups: Int = 1, bias: Bool = true,
                flipsKernel: Bool = false, initializer: Initializer = .pytorchDefault) throws {
        settings = try ConvolutionSettings(layer: "Conv1D", dimensions: 1, inputChannels: inputChannels, outputChannels: outputChannels,
                                           kernelSize: SpatialSize([kernelSize]), stride: SpatialSize([stride]), padding: padding,
                                           paddingMode: paddingMode, dilation: SpatialSize([dilation]), groups: groups, flipsKernel: flipsKernel)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias, initializer: initializer)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try settings.apply(input, weight: weight.value, bias: bias?.value, layer: "Conv1D")
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}

/// 3-D convolution over volumes `[N, inputChannels, D, H, W]`; weight `[out, in/groups, kd, kh, kw]`;
/// the output-size rule of ``Conv2D`` in each of the three dimensions.
public final class Conv3D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    let settings: ConvolutionSettings

    /// - Throws: as ``Conv2D/init(inputChannels:outputChannels:kernelSize:stride:padding:paddingMode:dilation:groups:bias:flipsKernel:initializer:)``.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: Padding = .valid, paddingMode: PaddingMode = .zeros, dilation: SpatialSize = 1, groups: Int = 1,
                bias: Bool = true, flipsKernel: Bool = false, initializer: Initializer = .pytorchDefault) throws {
        settings = try ConvolutionSettings(layer: "Conv3D", dimensions: 3, inputChannels: inputChannels, outputChannels: outputChannels,
                                           kernelSize: kernelSize, stride: stride, padding: padding, paddingMode: paddingMode,
                                           dilation: dilation, groups: groups, flipsKernel: flipsKernel)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias, initializer: initializer)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try settings.apply(input, weight: weight.value, bias: bias?.value, layer: "Conv3D")
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
