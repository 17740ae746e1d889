// A 2-D convolution layer: parameters and validation; the work is `Tensor.conv2d`.

/// 2-D convolution (cross-correlation) over NCHW batches.
///
/// Input `[N, inputChannels, H, W]` → output `[N, outputChannels, P, Q]` with
/// `P = (H + padTop + padBottom − dilation·(kernelHeight − 1) − 1) / stride + 1` (likewise Q).
/// Weight `[outputChannels, inputChannels/groups, kernelHeight, kernelWidth]`, bias `[outputChannels]`,
/// initialised as in PyTorch.
public final class Conv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let stride: [Int]
    public let padding: Padding
    public let dilation: [Int]
    public let groups: Int

    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive sizes or groups
    ///   that do not divide the channels.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: Padding = .valid, dilation: SpatialSize = 1, groups: Int = 1, bias: Bool = true,
                initializer: Initializer = .pytorchDefault) throws {
        guard inputChannels >= 1, outputChannels >= 1 else {
            throw TensorError.invalidArgument(operation: "Conv2D", reason: "channels \(inputChannels)→\(outputChannels) must be positive")
        }
        guard groups >= 1, inputChannels % groups == 0, outputChannels % groups == 0 else {
            throw TensorError.invalidArgument(operation: "Conv2D", reason: "groups \(groups) must divide \(inputChannels) input and \(outputChannels) output channels")
        }
        let k = try kernelSize.expanded(to: 2, what: "Conv2D kernel size")
        self.stride = try stride.expanded(to: 2, what: "Conv2D stride")
        self.dilation = try dilation.expanded(to: 2, what: "Conv2D dilation")
        self.padding = padding
        self.groups = groups
        let fanIn = inputChannels / groups * k[0] * k[1]
        weight = Parameter(try initializer.weight([outputChannels, inputChannels / groups, k[0], k[1]],
                                                  fanIn: fanIn, fanOut: outputChannels / groups * k[0] * k[1]))
        self.bias = bias ? Parameter(try Initializer.pytorchBias(outputChannels, fanIn: fanIn)) : nil
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.conv2d(weight: weight.value, bias: bias?.value, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }

    public var ownParameters: [(name: String, parameter: Parameter)] {
        [("weight", weight)] + (bias.map { [("bias", $0)] } ?? [])
    }
}
