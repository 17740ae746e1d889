// Transposed convolution layers over 1, 2 and 3 spatial dimensions (the adjoint of Conv*D, used to
// upsample). The work is `Tensor.transposedConvolution`.

/// What ConvTranspose1D/2D/3D share: validated settings and PyTorch's parameter layout and init.
struct TransposedConvolutionSettings: Sendable {
    let kernel: [Int], stride: [Int], dilation: [Int], outputPadding: [Int]
    let padding: Padding
    let groups: Int

    init(layer: String, dimensions: Int, inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, stride: SpatialSize,
         padding: Padding, outputPadding: [Int], dilation: SpatialSize, groups: Int) throws {
        guard inputChannels >= 1, outputChannels >= 1, groups >= 1, inputChannels % groups == 0, outputChannels % groups == 0 else {
            throw TensorError.invalidArgument(operation: layer, reason: "channels \(inputChannels)→\(outputChannels) must be positive and divisible by groups \(groups)")
        }
        kernel = try kernelSize.expanded(to: dimensions, what: "\(layer) kernel size")
        let s = try stride.expanded(to: dimensions, what: "\(layer) stride")
        let d = try dilation.expanded(to: dimensions, what: "\(layer) dilation")
        self.stride = s
        self.dilation = d
        let extra = outputPadding.count == 1 ? [Int](repeating: outputPadding[0], count: dimensions) : outputPadding
        guard extra.count == dimensions, (0..<dimensions).allSatisfy({ extra[$0] >= 0 && extra[$0] < max(s[$0], d[$0]) }) else {
            throw TensorError.invalidArgument(operation: layer, reason: "output padding \(outputPadding) must be ≥ 0 and below max(stride, dilation)")
        }
        self.outputPadding = extra
        self.padding = padding
        self.groups = groups
    }

    /// Weight `[in, out/groups, *kernel]`; PyTorch draws it with fanIn = (out/groups)·∏kernel.
    func makeParameters(inputChannels: Int, outputChannels: Int, bias: Bool) throws -> (Parameter, Parameter?) {
        let fanIn = outputChannels / groups * kernel.reduce(1, *)
        let weight = Parameter(try Initializer.pytorchDefault.weight([inputChannels, outputChannels / groups] + kernel, fanIn: fanIn, fanOut: fanIn))
        return (weight, bias ? Parameter(try Initializer.pytorchBias(outputChannels, fanIn: fanIn)) : nil)
    }

    func apply(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        try input.transposedConvolution(weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding,
                                        dilation: dilation, groups: groups)
    }
}

/// 2-D transposed convolution: `[N, in, H, W]` → `[N, out, H', W']` with
/// `H' = (H − 1)·stride − padTop − padBottom + dilation·(kh − 1) + outputPadding + 1`.
/// Weight `[in, out/groups, kh, kw]` as in PyTorch's `ConvTranspose2d`.
public final class ConvTranspose2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    let settings: TransposedConvolutionSettings

    /// - Throws: for non-positive sizes, channels not divisible by groups, or an output padding
    ///   not below max(stride, dilation).
    public init(inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1, padding: Padding = .valid,
                outputPadding: [Int] = [0], dilation: SpatialSize = 1, groups: Int = 1, bias: Bool = true) throws {
        settings = try TransposedConvolutionSettings(layer: "ConvTranspose2D", dimensions: 2, inputChannels: inputChannels,
                                                     outputChannels: outputChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                                                     outputPadding: outputPadding, dilation: dilation, groups: groups)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try settings.apply(input, weight: weight.value, bias: bias?.value) }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
}

/// 1-D transposed convolution `[N, in, W]` → `[N, out, W']`; weight `[in, out/groups, k]`.
public final class ConvTranspose1D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    let settings: TransposedConvolutionSettings

    /// - Throws: as ``ConvTranspose2D``.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: Int, stride: Int = 1, padding: Padding = .valid,
                outputPadding: Int = 0, dilation: Int = 1, groups: Int = 1, bias: Bool = true) throws {
        settings = try TransposedConvolutionSettings(layer: "ConvTranspose1D", dimensions: 1, inputChannels: inputChannels,
                                                     outputChannels: outputChannels, kernelSize: SpatialSize([kernelSize]),
                                                     stride: SpatialSize([stride]), padding: padding, outputPadding: [outputPadding],
                                                     dilation: SpatialSize([dilation]), groups: groups)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try settings.apply(input, weight: weight.value, bias: bias?.value) }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
}

/// 3-D transposed convolution `[N, in, D, H, W]` → `[N, out, D', H', W']`; weight `[in, out/groups, kd, kh, kw]`.
public final class ConvTranspose3D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    let settings: TransposedConvolutionSettings

    /// - Throws: as ``ConvTranspose2D``.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1, padding: Padding = .valid,
                outputPadding: [Int] = [0], dilation: SpatialSize = 1, groups: Int = 1, bias: Bool = true) throws {
        settings = try TransposedConvolutionSettings(layer: "ConvTranspose3D", dimensions: 3, inputChannels: inputChannels,
                                                     outputChannels: outputChannels, kernelSize: kernelSize, stride: stride, padding: padding,
                                                     outputPadding: outputPadding, dilation: dilation, groups: groups)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor { try settings.apply(input, weight: weight.value, bias: bias?.value) }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
}
