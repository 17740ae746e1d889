// The geometry of 2-D max and average pooling, with PyTorch's output-size and validation rules.
// N batch, C channels, H×W input, R×S window (kernelHeight×kernelWidth), P×Q output

/// Geometry of a 2-D pooling over an NCHW batch `[N, C, H, W]` giving `[N, C, P, Q]`.
///
/// The output size follows PyTorch (`pooling_output_shape`):
///
///     P = ⌊(H + padTop + padBottom − dilationHeight·(R − 1) − 1) / strideHeight⌋ + 1
///
/// and the same for `Q` with the width values. With `ceilMode` the division rounds up instead,
/// and if the last window would then start in the end padding (`(P − 1)·strideHeight ≥ H + padTop`)
/// it is dropped (`P −= 1`).
///
/// The kernels assume a usable geometry: check ``validationFailure`` first.
public struct Pool2DGeometry: Hashable, Sendable {
    public var batch, channels, inputHeight, inputWidth: Int
    public var kernelHeight, kernelWidth, strideHeight, strideWidth: Int
    public var padTop, padBottom, padLeft, padRight: Int
    public var dilationHeight, dilationWidth: Int
    public var ceilMode: Bool

    public init(
        batch: Int, channels: Int, inputHeight: Int, inputWidth: Int,
        kernelHeight: Int, kernelWidth: Int, strideHeight: Int, strideWidth: Int,
        padTop: Int = 0, padBottom: Int = 0, padLeft: Int = 0, padRight: Int = 0,
        dilationHeight: Int = 1, dilationWidth: Int = 1, ceilMode: Bool = false
    ) {
        self.batch = batch
        self.channels = channels
        self.inputHeight = inputHeight
        self.inputWidth = inputWidth
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideHeight = strideHeight
        self.strideWidth = strideWidth
        self.padTop = padTop
        self.padBottom = padBottom
        self.padLeft = padLeft
        self.padRight = padRight
        self.dilationHeight = dilationHeight
        self.dilationWidth = dilationWidth
        self.ceilMode = ceilMode
    }

    /// `P`, see the type's documentation.
    public var outputHeight: Int {
        poolOutputSize(inputHeight, padTop, padBottom, kernelHeight, strideHeight, dilationHeight, ceilMode)
    }

    /// `Q`, see the type's documentation.
    public var outputWidth: Int {
        poolOutputSize(inputWidth, padLeft, padRight, kernelWidth, strideWidth, dilationWidth, ceilMode)
    }

    /// Number of input elements, `N·C·H·W`.
    public var inputCount: Int { batch * channels * inputHeight * inputWidth }
    /// Number of output elements, `N·C·P·Q`.
    public var outputCount: Int { batch * channels * outputHeight * outputWidth }

    /// `nil` when the geometry is usable; otherwise one sentence naming the first bad value.
    /// Besides positive sizes, strides and dilations and non-negative pads, PyTorch's rule applies:
    /// each pad is at most half the window (`padTop ≤ R/2`, …), and the output is not empty.
    public var validationFailure: String? {
        let positive: [(String, Int)] = [
            ("batch", batch), ("channels", channels), ("inputHeight", inputHeight), ("inputWidth", inputWidth),
            ("kernelHeight", kernelHeight), ("kernelWidth", kernelWidth),
            ("strideHeight", strideHeight), ("strideWidth", strideWidth),
            ("dilationHeight", dilationHeight), ("dilationWidth", dilationWidth),
        ]
        for (name, value) in positive where value <= 0 {
            return "\(name) must be positive, got \(value)."
        }
        let pads = [("padTop", padTop, kernelHeight), ("padBottom", padBottom, kernelHeight),
                    ("padLeft", padLeft, kernelWidth), ("padRight", padRight, kernelWidth)]
        for (name, value, _) in pads where value < 0 {
            return "\(name) must not be negative, got \(value)."
        }
        for (name, value, kernel) in pads where value > kernel / 2 {
            return "\(name) (\(value)) must be at most half the \(kernel)-wide window (\(kernel / 2))."
        }
        if outputHeight < 1 || outputWidth < 1 {
            return "the \(kernelHeight)×\(kernelWidth) window with dilation \(dilationHeight)×\(dilationWidth) "
                + "does not fit the \(inputHeight)×\(inputWidth) input padded by top \(padTop), "
                + "bottom \(padBottom), left \(padLeft), right \(padRight)."
        }
        return nil
    }
}

/// PyTorch's `pooling_output_shape` with separate begin and end pads.
func poolOutputSize(_ input: Int, _ padBegin: Int, _ padEnd: Int, _ kernel: Int, _ stride: Int,
                    _ dilation: Int, _ ceilMode: Bool) -> Int {
    guard stride > 0 else { return 0 }
    let span = input + padBegin + padEnd - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)
    var output = floorDivide(span, stride) + 1
    if ceilMode && (output - 1) * stride >= input + padBegin { output -= 1 }
    return output
}
