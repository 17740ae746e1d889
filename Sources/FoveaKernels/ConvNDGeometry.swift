// Geometry of a convolution with 1, 2 or 3 spatial dimensions (NCW, NCHW, NCDHW).
// N batch, C input channels, K output channels, spatial sizes listed outermost first.
//
// One-dimensional problems are 2-D problems of height 1 and run on the fast 2-D kernels; three-
// dimensional ones run on the volume kernels in ConvND.swift. Every spatial list has one entry
// per spatial dimension.

/// The shape of an N-d convolution: input `[N, C, *inputSize]`, weight `[K, C/groups, *kernelSize]`,
/// output `[N, K, *outputSize]` with, per dimension,
/// `out = (in + padBefore + padAfter − dilation·(k − 1) − 1) / stride + 1`.
public struct ConvNDGeometry: Hashable, Sendable {
    public var batch, inputChannels, outputChannels, groups: Int
    public var inputSize, kernelSize, stride, dilation, padBefore, padAfter: [Int]

    public init(batch: Int, inputChannels: Int, outputChannels: Int, inputSize: [Int], kernelSize: [Int],
                stride: [Int]? = nil, dilation: [Int]? = nil, padBefore: [Int]? = nil, padAfter: [Int]? = nil,
                groups: Int = 1) {
        let ones = [Int](repeating: 1, count: inputSize.count), zeros = [Int](repeating: 0, count: inputSize.count)
        self.batch = batch
        self.inputChannels = inputChannels
        self.outputChannels = outputChannels
        self.groups = groups
        self.inputSize = inputSize
        self.kernelSize = kernelSize
        self.stride = stride ?? ones
        self.dilation = dilation ?? ones
        self.padBefore = padBefore ?? zeros
        self.padAfter = padAfter ?? zeros
    }

    /// The number of spatial dimensions (1, 2 or 3).
    public var spatialRank: Int { inputSize.count }

    /// The output's spatial size (entries ≤ 0 when the kernel does not fit).
    public var outputSize: [Int] {
        (0..<spatialRank).map {
            convOutputSize(inputSize[$0], padBefore[$0] + padAfter[$0], kernelSize[$0], stride[$0], dilation[$0])
        }
    }

    public var inputChannelsPerGroup: Int { inputChannels / groups }
    public var outputChannelsPerGroup: Int { outputChannels / groups }
    /// Rows of one image's column matrix, `C·∏kernel`.
    public var columnRows: Int { inputChannels * kernelSize.reduce(1, *) }
    public var weightCount: Int { outputChannels * inputChannelsPerGroup * kernelSize.reduce(1, *) }
    public var inputCount: Int { batch * inputChannels * inputSize.reduce(1, *) }
    public var outputCount: Int { batch * outputChannels * outputSize.reduce(1, *) }

    /// `nil` when usable; otherwise one sentence naming the first bad value.
    public var validationFailure: String? {
        guard (1...3).contains(spatialRank) else { return "\(spatialRank) spatial dimensions; 1, 2 or 3 are supported." }
        for (name, list) in [("kernelSize", kernelSize), ("stride", stride), ("dilation", dilation), ("padBefore", padBefore), ("padAfter", padAfter)]
        where list.count != spatialRank {
            return "\(name) \(list) needs \(spatialRank) entries, one per spatial dimension."
        }
        if let failure = planar?.validationFailure { return failure }
        for (name, value) in [("batch", batch), ("inputChannels", inputChannels), ("outputChannels", outputChannels), ("groups", groups)]
        where value <= 0 {
            return "\(name) must be positive, got \(value)."
        }
        for (name, list) in [("input size", inputSize), ("kernel size", kernelSize), ("stride", stride), ("dilation", dilation)]
        where list.contains(where: { $0 <= 0 }) {
            return "\(name) \(list) must be positive."
        }
        if (padBefore + padAfter).contains(where: { $0 < 0 }) { return "padding \(padBefore)/\(padAfter) must not be negative." }
        if inputChannels % groups != 0 || outputChannels % groups != 0 {
            return "groups (\(groups)) must divide inputChannels (\(inputChannels)) and outputChannels (\(outputChannels))."
        }
        if outputSize.contains(where: { $0 < 1 }) {
            return "the \(kernelSize) kernel with dilation \(dilation) does not fit the \(inputSize) input padded by \(padBefore)/\(padAfter)."
        }
        return nil
    }

    /// The equivalent 2-D geometry for one- and two-dimensional problems (1-D as height 1), or nil.
    public var planar: Conv2DGeometry? {
        guard spatialRank == 1 || spatialRank == 2, kernelSize.count == spatialRank, stride.count == spatialRank,
              dilation.count == spatialRank, padBefore.count == spatialRank, padAfter.count == spatialRank else { return nil }
        let lead = spatialRank == 1
        return Conv2DGeometry(
            batch: batch, inputChannels: inputChannels,
            inputHeight: lead ? 1 : inputSize[0], inputWidth: inputSize[spatialRank - 1],
            outputChannels: outputChannels,
            kernelHeight: lead ? 1 : kernelSize[0], kernelWidth: kernelSize[spatialRank - 1],
            strideHeight: lead ? 1 : stride[0], strideWidth: stride[spatialRank - 1],
            dilationHeight: lead ? 1 : dilation[0], dilationWidth: dilation[spatialRank - 1],
            padTop: lead ? 0 : padBefore[0], padBottom: lead ? 0 : padAfter[0],
            padLeft: padBefore[spatialRank - 1], padRight: padAfter[spatialRank - 1], groups: groups)
    }

    /// Every spatial list as three entries (depth, height, width), padded at the front with a
    /// trivial dimension, so the volume kernels serve any rank.
    var volume: (input: [Int], kernel: [Int], stride: [Int], dilation: [Int], padBefore: [Int], output: [Int]) {
        let extra = 3 - spatialRank
        func lift(_ v: [Int], _ fill: Int) -> [Int] { [Int](repeating: fill, count: extra) + v }
        return (lift(inputSize, 1), lift(kernelSize, 1), lift(stride, 1), lift(dilation, 1), lift(padBefore, 0), lift(outputSize, 1))
    }
}
