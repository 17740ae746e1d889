// What Conv1D, Conv2D and Conv3D share: validated settings, PyTorch-style parameter creation, and
// the call that pads (for non-zero padding modes), optionally flips the kernel, and convolves.

/// The validated configuration of a convolution layer with `dimensions` spatial dimensions.
struct ConvolutionSettings: Sendable {
    let dimensions: Int
    let kernel: [Int], stride: [Int], dilation: [Int]
    let padding: Padding
    let paddingMode: PaddingMode
    let groups: Int
    let flipsKernel: Bool

    init(layer: String, dimensions: Int, inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize,
         stride: SpatialSize, padding: Padding, paddingMode: PaddingMode, dilation: SpatialSize, groups: Int,
         flipsKernel: Bool) throws {
        guard inputChannels >= 1, outputChannels >= 1 else {
            throw TensorError.invalidArgument(operation: layer, reason: "channels \(inputChannels)→\(outputChannels) must be positive")
        }
        guard groups >= 1, inputChannels % groups == 0, outputChannels % groups == 0 else {
            throw TensorError.invalidArgument(operation: layer, reason: "groups \(groups) must divide \(inputChannels) input and \(outputChannels) output channels")
        }
        self.dimensions = dimensions
        kernel = try kernelSize.expanded(to: dimensions, what: "\(layer) kernel size")
        self.stride = try stride.expanded(to: dimensions, what: "\(layer) stride")
        self.dilation = try dilation.expanded(to: dimensions, what: "\(layer) dilation")
        if case let .explicit(before, after) = padding, (before + after).contains(where: { $0 < 0 }) {
            throw TensorError.invalidArgument(operation: layer, reason: "padding \(before)/\(after) must not be negative")
        }
        self.padding = padding
        self.paddingMode = paddingMode
        self.groups = groups
        self.flipsKernel = flipsKernel
    }

    /// Weight `[out, in/groups, *kernel]` and bias `[out]` drawn as PyTorch does.
    func makeParameters(inputChannels: Int, outputChannels: Int, bias: Bool, initializer: Initializer) throws -> (Parameter, Parameter?) {
        let taps = kernel.reduce(1, *)
        let fanIn = inputChannels / groups * taps
        let weight = Parameter(try initializer.weight([outputChannels, inputChannels / groups] + kernel,
                                                      fanIn: fanIn, fanOut: outputChannels / groups * taps))
        return (weight, bias ? Parameter(try Initializer.pytorchBias(outputChannels, fanIn: fanIn)) : nil)
    }

    /// Pads (for reflect/replicate/circular), flips the kernel for true convolution, and convolves.
    func apply(_ input: Tensor, weight: Tensor, bias: Tensor?, layer: String) throws -> Tensor {
        guard input.rank == dimensions + 2 else {
            throw TensorError.invalidArgument(operation: layer, reason: "input of shape \(input.shape) is not [N, C] followed by \(dimensions) spatial dimension(s)")
        }
        var x = input, padding = self.padding
        if paddingMode != .zeros {
            let pads = try padding.resolve(input: Array(input.shape[2...]), kernel: kernel, stride: stride, dilation: dilation)
            x = try input.padded(before: pads.before, after: pads.after, mode: paddingMode)
            padding = .valid
        }
        if flipsKernel {
            return try x.convolved(with: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
        }
        return try x.convolution(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
    }
}
