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

    /// Pads (for reflect/replicate/circular), flips the kernel for true convolution, and convolves;
    /// with `relu`, the ReLU is applied in the same pass (on the flipped-kernel path, after it).
    func apply(_ input: Tensor, weight: Tensor, bias: Tensor?, layer: String, relu: Bool = false) throws -> Tensor {
        let (x, padding) = try padded(input, layer: layer)
        if flipsKernel {
            let y = try x.convolved(with: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups)
            return relu ? y.relu() : y
        }
        return try x.convolution(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation, groups: groups,
                                 fusingReLU: relu)
    }

    /// Inference only: the convolution with each output channel then scaled and shifted (a folded
    /// batch normalisation) and optionally passed through ReLU, in one pass. Cross-correlation
    /// layers only (callers check `flipsKernel`).
    func applyInference(_ input: Tensor, weight: Tensor, scale: Tensor, shift: Tensor, layer: String, relu: Bool) throws -> Tensor {
        let (x, padding) = try padded(input, layer: layer)
        return try x.convolutionInference(weight: weight, scale: scale, shift: shift, stride: stride, padding: padding,
                                          dilation: dilation, groups: groups, fusingReLU: relu)
    }

    /// The input padded explicitly for reflect/replicate/circular modes (then no padding is left
    /// to the convolution), or as it is.
    private func padded(_ input: Tensor, layer: String) throws -> (Tensor, Padding) {
        guard input.rank == dimensions + 2 else {
            throw TensorError.invalidArgument(operation: layer, reason: "input of shape \(input.shape) is not [N, C] followed by \(dimensions) spatial dimension(s)")
        }
        guard paddingMode != .zeros else { return (input, padding) }
        let pads = try padding.resolve(input: Array(input.shape[2...]), kernel: kernel, stride: stride, dilation: dilation)
        return (try input.padded(before: pads.before, after: pads.after, mode: paddingMode), .valid)
    }
}
