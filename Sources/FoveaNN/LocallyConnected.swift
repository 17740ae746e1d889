// Locally connected (unshared) and tiled convolution layers (Goodfellow et al. §9.5): the same
// sparse connectivity as convolution, with less or no parameter sharing. All three run on
// `Tensor.tiledConvolution`.

/// Settings shared by the tiled and locally connected layers.
struct TiledSettings: Sendable {
    let kernel: [Int], stride: [Int], tiles: [Int]
    let padding: Padding

    /// Weight `[T, K, C·∏kernel]` and bias `[T, K]`, drawn like a convolution's (fanIn = C·∏kernel).
    func makeParameters(inputChannels: Int, outputChannels: Int, bias: Bool) throws -> (Parameter, Parameter?) {
        let fanIn = inputChannels * kernel.reduce(1, *), tileCount = tiles.reduce(1, *)
        let weight = Parameter(try Initializer.pytorchDefault.weight([tileCount, outputChannels, fanIn], fanIn: fanIn, fanOut: outputChannels))
        let b = bias ? Parameter(try Initializer.pytorchDefault.weight([tileCount, outputChannels], fanIn: fanIn, fanOut: outputChannels)) : nil
        return (weight, b)
    }

    func apply(_ input: Tensor, weight: Tensor, bias: Tensor?, layer: String) throws -> Tensor {
        guard input.rank == kernel.count + 2 else {
            throw TensorError.invalidArgument(operation: layer, reason: "input of shape \(input.shape) is not [N, C] followed by \(kernel.count) spatial dimension(s)")
        }
        return try input.tiledConvolution(weight: weight, bias: bias, kernelSize: kernel, tiles: tiles, stride: stride, padding: padding)
    }

    /// The output positions per dimension of an input of spatial size `input`.
    static func outputSize(layer: String, input: [Int], kernel: [Int], stride: [Int], padding: Padding) throws -> [Int] {
        let pads = try padding.resolve(input: input, kernel: kernel, stride: stride, dilation: kernel.map { _ in 1 })
        var out: [Int] = [], fits = true
        for d in 0..<input.count {
            let padded: Int = input[d] + pads.before[d] + pads.after[d]
            fits = fits && input[d] >= 1 && kernel[d] >= 1 && padded >= kernel[d]
            out.append((padded - kernel[d]) / stride[d] + 1)
        }
        guard fits else {
            throw TensorError.invalidArgument(operation: layer, reason: "the \(kernel) kernel does not fit the \(input) input padded by \(pads.before)/\(pads.after)")
        }
        return out
    }
}

/// Tiled convolution over NCHW batches: `tile × tile` kernels (per dimension, `[th, tw]`), output
/// position (p, q) using kernel (p mod th, q mod tw). `tile: 1` is ``Conv2D``; a tile as large as
/// the output is ``LocallyConnected2D``. Weight `[th·tw, out, in·kh·kw]`, bias `[th·tw, out]`:
/// `th·tw·out·in·kh·kw` weights, whatever the image size.
public final class TiledConv2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    let settings: TiledSettings

    /// - Throws: for non-positive sizes.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, tile: SpatialSize, stride: SpatialSize = 1,
                padding: Padding = .valid, bias: Bool = true) throws {
        guard inputChannels >= 1, outputChannels >= 1 else {
            throw TensorError.invalidArgument(operation: "TiledConv2D", reason: "channels \(inputChannels)→\(outputChannels) must be positive")
        }
        settings = TiledSettings(kernel: try kernelSize.expanded(to: 2, what: "TiledConv2D kernel size"),
                                 stride: try stride.expanded(to: 2, what: "TiledConv2D stride"),
                                 tiles: try tile.expanded(to: 2, what: "TiledConv2D tile"), padding: padding)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try settings.apply(input, weight: weight.value, bias: bias?.value, layer: "TiledConv2D")
    }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
}

/// Locally connected ("unshared convolution") layer over NCHW batches of a fixed `inputSize`:
/// every output position has its own `out × in × kh × kw` kernel and its own bias.
/// Weight `[P·Q, out, in·kh·kw]`, bias `[P·Q, out]` — `P·Q·out·in·kh·kw` weights, against
/// `out·in·kh·kw` for the convolution with the same connectivity.
public final class LocallyConnected2D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let outputSize: [Int]
    let settings: TiledSettings

    /// - Throws: for non-positive sizes, or a kernel that does not fit the padded input.
    public init(inputChannels: Int, outputChannels: Int, inputSize: [Int], kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: Padding = .valid, bias: Bool = true) throws {
        guard inputChannels >= 1, outputChannels >= 1, inputSize.count == 2 else {
            throw TensorError.invalidArgument(operation: "LocallyConnected2D", reason: "channels \(inputChannels)→\(outputChannels) and input size \(inputSize) must be positive, with 2 spatial sizes")
        }
        let k = try kernelSize.expanded(to: 2, what: "LocallyConnected2D kernel size"), s = try stride.expanded(to: 2, what: "LocallyConnected2D stride")
        outputSize = try TiledSettings.outputSize(layer: "LocallyConnected2D", input: inputSize, kernel: k, stride: s, padding: padding)
        settings = TiledSettings(kernel: k, stride: s, tiles: outputSize, padding: padding)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try settings.apply(input, weight: weight.value, bias: bias?.value, layer: "LocallyConnected2D")
    }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
}

/// Locally connected layer over time series `[N, in, W]` of a fixed `inputLength`: one kernel per
/// output position. Weight `[Q, out, in·k]`, bias `[Q, out]`.
public final class LocallyConnected1D: Layer {
    public let weight: Parameter
    public let bias: Parameter?
    public let outputLength: Int
    let settings: TiledSettings

    /// - Throws: for non-positive sizes, or a kernel that does not fit the padded input.
    public init(inputChannels: Int, outputChannels: Int, inputLength: Int, kernelSize: Int, stride: Int = 1,
                padding: Padding = .valid, bias: Bool = true) throws {
        guard inputChannels >= 1, outputChannels >= 1, kernelSize >= 1, stride >= 1 else {
            throw TensorError.invalidArgument(operation: "LocallyConnected1D", reason: "channels \(inputChannels)→\(outputChannels), kernel \(kernelSize) and stride \(stride) must be positive")
        }
        let out = try TiledSettings.outputSize(layer: "LocallyConnected1D", input: [inputLength], kernel: [kernelSize], stride: [stride], padding: padding)
        outputLength = out[0]
        settings = TiledSettings(kernel: [kernelSize], stride: [stride], tiles: out, padding: padding)
        (weight, self.bias) = try settings.makeParameters(inputChannels: inputChannels, outputChannels: outputChannels, bias: bias)
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try settings.apply(input, weight: weight.value, bias: bias?.value, layer: "LocallyConnected1D")
    }

    public var ownParameters: [(name: String, parameter: Parameter)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }
}
