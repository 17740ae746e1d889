// The geometry of a 2-D convolution: every size, stride, dilation, pad and group count that the
// convolution kernels (direct, im2col + GEMM) need, with the output-size rule and its validation.
// N batch, C input channels, K output channels, H×W input, R×S kernel, P×Q output

/// Geometry of a 2-D cross-correlation.
///
/// Input is NCHW `[N, C, H, W]`, weight `[K, C/groups, R, S]`, output `[N, K, P, Q]` with
///
///     P = (H + padTop + padBottom − dilationHeight·(R − 1) − 1) / strideHeight + 1
///     Q = (W + padLeft + padRight − dilationWidth·(S − 1) − 1) / strideWidth + 1
///
/// (integer division rounding down). Input channels and output channels are split into `groups`
/// equal groups; output channel `k` sees only the input channels of group `k / (K/groups)`.
/// `groups == C` is a depthwise convolution.
///
/// The kernels assume a usable geometry: check ``validationFailure`` first.
public struct Conv2DGeometry: Hashable, Sendable {
    public var batch, inputChannels, inputHeight, inputWidth: Int
    public var outputChannels, kernelHeight, kernelWidth: Int
    public var strideHeight, strideWidth, dilationHeight, dilationWidth: Int
    public var padTop, padBottom, padLeft, padRight: Int
    public var groups: Int

    public init(
        batch: Int, inputChannels: Int, inputHeight: Int, inputWidth: Int,
        outputChannels: Int, kernelHeight: Int, kernelWidth: Int,
        strideHeight: Int = 1, strideWidth: Int = 1,
        dilationHeight: Int = 1, dilationWidth: Int = 1,
        padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0,
        groups: Int = 1
    ) {
        self.batch = batch
        self.inputChannels = inputChannels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.outputChannels = outputChannels
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        self.groups = groups
    }

    /// `P = (H + padTop + padBottom − dilationHeight·(R − 1) − 1) / strideHeight + 1`.
    public var outputHeight: Int {
        convOutputSize(inputHeight, padTop + padBottom, kernelHeight, strideHeight, dilationHeight)
    }

    /// `Q = (W + padLeft + padRight − dilationWidth·(S − 1) − 1) / strideWidth + 1`.
    public var outputWidth: Int {
        convOutputSize(inputWidth, padLeft + padRight, kernelWidth, strideWidth, dilationWidth)
    }

    /// Input channels per group, `C / groups`.
    public var inputChannelsPerGroup: Int { inputChannels / groups }
    /// Output channels per group, `K / groups`.
    public var outputChannelsPerGroup: Int { outputChannels / groups }
    /// Rows of the column matrix of one image, `C·R·S`.
    public var columnRows: Int { inputChannels * kernelHeight * kernelWidth }
    /// Number of weights, `K·(C/groups)·R·S`.
    public var weightCount: Int { outputChannels * inputChannelsPerGroup * kernelHeight * kernelWidth }
    /// Number of input elements, `N·C·H·W`.
    public var inputCount: Int { batch * inputChannels * inputHeight * inputWidth }
    /// Number of output elements, `N·K·P·Q`.
    public var outputCount: Int { batch * outputChannels * outputHeight * outputWidth }

    /// True for a 1×1, stride-1, unpadded convolution: the image is its own column matrix.
    public var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && strideHeight == 1 && strideWidth == 1
            && padTop == 0 && padBottom == 0 && padLeft == 0 && padRight == 0
    }

    /// `nil` when the geometry is usable; otherwise one sentence naming the first bad value.
    public var validationFailure: String? {
        let positive: [(String, Int)] = [
            ("batch", batch), ("inputChannels", inputChannels), ("inputHeight", inputHeight),
            ("inputWidth", inputWidth), ("outputChannels", outputChannels),
            ("kernelHeight", kernelHeight), ("kernelWidth", kernelWidth),
            ("strideHeight", strideHeight), ("strideWidth", strideWidth),
            ("dilationHeight", dilationHeight), ("dilationWidth", dilationWidth), ("groups", groups),
        ]
        for (name, value) in positive where value <= 0 {
            return "\(name) must be positive, got \(value)."
        }
        let pads = [("padTop", padTop), ("padBottom", padBottom), ("padLeft", padLeft), ("padRight", padRight)]
        for (name, value) in pads where value < 0 {
            return "\(name) must not be negative, got \(value)."
        }
        if inputChannels % groups != 0 {
            return "inputChannels (\(inputChannels)) must be divisible by groups (\(groups))."
        }
        if outputChannels % groups != 0 {
            return "outputChannels (\(outputChannels)) must be divisible by groups (\(groups))."
        }
        if outputHeight < 1 || outputWidth < 1 {
            let padding = padTop == padBottom && padLeft == padRight && padTop == padLeft
                ? "\(padTop)"
                : "top \(padTop), bottom \(padBottom), left \(padLeft), right \(padRight)"
            let dilation = dilationHeight == dilationWidth
                ? "\(dilationHeight)" : "\(dilationHeight)×\(dilationWidth)"
            return "the \(kernelHeight)×\(kernelWidth) kernel with dilation \(dilation) does not fit the "
                + "\(inputHeight)×\(inputWidth) input padded by \(padding)."
        }
        return nil
    }
}

/// `(input + padding − dilation·(kernel − 1) − 1) / stride + 1`, rounding down (also for a
/// negative numerator, so an empty output is reported as ≤ 0).
@inline(__always)
func convOutputSize(_ input: Int, _ padding: Int, _ kernel: Int, _ stride: Int, _ dilation: Int) -> Int {
    let span = input + padding - dilation * (kernel - 1) - 1
    guard stride > 0 else { return 0 }
    return floorDivide(span, stride) + 1
}

/// Integer division rounding towards −∞ (`b > 0`).
@inline(__always)
func floorDivide(_ a: Int, _ b: Int) -> Int {
    a >= 0 ? a / b : -((-a + b - 1) / b)
}
