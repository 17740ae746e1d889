// The inception module of GoogLeNet — C. Szegedy et al., "Going deeper with convolutions",
// CVPR 2015 (arXiv:1409.4842), §4 and Fig. 2 — in its naive and reduced forms, and the
// convolution block it is made of.
//
// Naive (Fig. 2a): 1×1, 3×3 and 5×5 convolutions and 3×3 max pooling side by side on the same
// input, concatenated along the channels; the pooling branch passes all input channels through,
// so the width only grows. Reduced (Fig. 2b): 1×1 convolutions reduce the channels before the 3×3
// and 5×5 convolutions, and a 1×1 projection follows the pooling.
//
// Inception 3a (192 channels in, 28×28, true 5×5, convolutions with bias):
//   naive   387,296 parameters, 303,464,448 multiply-adds, 416 output channels
//   reduced 163,696 parameters, 128,049,152 multiply-adds, 256 output channels
// (the example in `InceptionModule`'s documentation; ModelZooStructureTests checks it).
// Names follow torchvision's `Inception`: `branch1`, `branch2.0`/`branch2.1`, `branch3.0`/
// `branch3.1`, `branch4.1` (reduced); `branch1`, `branch2`, `branch3` (naive), each a
// `BasicConv2D` with children `conv` (and `bn`).

/// A convolution followed by optional batch normalisation and a ReLU: torchvision's `BasicConv2d`
/// (convolution without bias, `BatchNorm2d(eps: 0.001)`) or, without batch normalisation, the
/// paper's convolution with bias. Input `[N, inputChannels, H, W]` → `[N, outputChannels, P, Q]`
/// with the convolution's output size. Children `conv` and `bn`.
public final class BasicConv2D: Layer {
    /// The convolution (bias only when there is no batch normalisation).
    public let conv: Conv2D
    /// The batch normalisation (epsilon 0.001, as torchvision), or nil.
    public let bn: BatchNorm2D?

    /// - Throws: for non-positive sizes.
    public init(inputChannels: Int, outputChannels: Int, kernelSize: SpatialSize, stride: SpatialSize = 1,
                padding: Padding = .valid, batchNorm: Bool) throws {
        conv = try Conv2D(inputChannels: inputChannels, outputChannels: outputChannels, kernelSize: kernelSize,
                          stride: stride, padding: padding, bias: !batchNorm)
        bn = batchNorm ? try BatchNorm2D(featureCount: outputChannels, epsilon: 0.001) : nil
    }

    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try conv(input, thenBatchNorm: bn, thenReLU: true)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("conv", conv)] + (bn.map { [("bn", $0)] } ?? [])
    }
}

/// The widths of an inception module, as the columns of Table 1 of Szegedy et al.
public struct InceptionChannels: Sendable, Equatable {
    /// Filters of the 1×1 branch ("#1×1").
    public var oneByOne: Int
    /// 1×1 reductions before the 3×3 convolution ("#3×3 reduce"; unused by the naive kind).
    public var threeByThreeReduce: Int
    /// Filters of the 3×3 convolution ("#3×3").
    public var threeByThree: Int
    /// 1×1 reductions before the 5×5 convolution ("#5×5 reduce"; unused by the naive kind).
    public var fiveByFiveReduce: Int
    /// Filters of the 5×5 convolution ("#5×5").
    public var fiveByFive: Int
    /// 1×1 projections after the max pooling ("pool proj"; unused by the naive kind).
    public var poolProjection: Int

    public init(oneByOne: Int, threeByThreeReduce: Int, threeByThree: Int, fiveByFiveReduce: Int, fiveByFive: Int, poolProjection: Int) {
        (self.oneByOne, self.threeByThreeReduce, self.threeByThree) = (oneByOne, threeByThreeReduce, threeByThree)
        (self.fiveByFiveReduce, self.fiveByFive, self.poolProjection) = (fiveByFiveReduce, fiveByFive, poolProjection)
    }

    /// Inception 3a of GoogLeNet (input 192 channels): 64, 96→128, 16→32, pool→32.
    public static let googLeNet3a = InceptionChannels(oneByOne: 64, threeByThreeReduce: 96, threeByThree: 128,
                                                      fiveByFiveReduce: 16, fiveByFive: 32, poolProjection: 32)
}

/// Whether an inception module reduces channels with 1×1 convolutions.
public enum InceptionKind: String, Sendable, CaseIterable {
    /// 1×1, 3×3, 5×5 convolutions and 3×3 max pooling of the input, concatenated (Fig. 2a).
    case naive
    /// 1×1 reductions before the 3×3 and 5×5 convolutions, 1×1 projection after pooling (Fig. 2b).
    case reduced
}

/// An inception module: four branches on one input, concatenated along the channels.
///
/// Input `[N, inputChannels, H, W]` → `[N, outputChannels, H, W]` (every branch keeps the size:
/// padding 1 for 3×3, 2 for 5×5, pooling 3×3 stride 1 padding 1). `outputChannels` is
/// `oneByOne + threeByThree + fiveByFive + poolProjection` (reduced) or
/// `oneByOne + threeByThree + fiveByFive + inputChannels` (naive).
///
/// The 1×1 reductions are what make GoogLeNet affordable. Inception 3a, naive against reduced:
/// ```swift
/// let naive = try InceptionModule(inputChannels: 192, channels: .googLeNet3a, kind: .naive)
/// let reduced = try InceptionModule(inputChannels: 192, channels: .googLeNet3a, kind: .reduced)
/// print(naive.parameterCount, naive.outputChannels)       // 387296 416
/// print(reduced.parameterCount, reduced.outputChannels)   // 163696 256
/// ```
public final class InceptionModule: Layer {
    /// Naive or reduced.
    public let kind: InceptionKind
    /// The channels of the concatenated output.
    public let outputChannels: Int
    /// The 1×1 branch.
    public let branch1: BasicConv2D
    /// The 3×3 branch: a `BasicConv2D` (naive) or `Sequential(1×1, 3×3)` (reduced).
    public let branch2: any Layer
    /// The 5×5 branch: a `BasicConv2D` (naive) or `Sequential(1×1, k×k)` (reduced).
    public let branch3: any Layer
    /// The pooling branch: a `MaxPool2D` (naive) or `Sequential(MaxPool2D, 1×1)` (reduced).
    public let branch4: any Layer

    /// - Parameters:
    ///   - fiveByFiveKernel: the side of the "5×5" branch's kernel: 5 in the paper, 3 in torchvision
    ///     (odd; padding is `fiveByFiveKernel / 2`).
    ///   - batchNorm: torchvision's blocks (conv without bias + BN + ReLU) instead of conv + ReLU.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive widths or an
    ///   even kernel.
    public init(inputChannels: Int, channels c: InceptionChannels, kind: InceptionKind, fiveByFiveKernel: Int = 5,
                batchNorm: Bool = false) throws {
        guard fiveByFiveKernel >= 1, fiveByFiveKernel % 2 == 1 else {
            throw TensorError.invalidArgument(operation: "InceptionModule", reason: "kernel \(fiveByFiveKernel) must be odd and positive")
        }
        let k5 = fiveByFiveKernel
        func block(_ input: Int, _ output: Int, _ kernel: Int) throws -> BasicConv2D {
            try BasicConv2D(inputChannels: input, outputChannels: output, kernelSize: SpatialSize([kernel]),
                            padding: kernel == 1 ? .valid : .explicit(kernel / 2), batchNorm: batchNorm)
        }
        let pool = try MaxPool2D(kernelSize: 3, stride: 1, padding: .explicit(1), ceilMode: true)
        self.kind = kind
        branch1 = try block(inputChannels, c.oneByOne, 1)
        switch kind {
        case .naive:
            branch2 = try block(inputChannels, c.threeByThree, 3)
            branch3 = try block(inputChannels, c.fiveByFive, k5)
            branch4 = pool
            outputChannels = c.oneByOne + c.threeByThree + c.fiveByFive + inputChannels
        case .reduced:
            branch2 = Sequential(try block(inputChannels, c.threeByThreeReduce, 1), try block(c.threeByThreeReduce, c.threeByThree, 3))
            branch3 = Sequential(try block(inputChannels, c.fiveByFiveReduce, 1), try block(c.fiveByFiveReduce, c.fiveByFive, k5))
            branch4 = Sequential(pool, try block(inputChannels, c.poolProjection, 1))
            outputChannels = c.oneByOne + c.threeByThree + c.fiveByFive + c.poolProjection
        }
    }

    /// - Throws: ``TensorError`` when the input is not `[N, inputChannels, H, W]`.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try Tensor.concatenated([branch1(input), branch2(input), branch3(input), branch4(input)], alongAxis: 1)
    }

    public var children: [(name: String, layer: any Layer)] {
        [("branch1", branch1), ("branch2", branch2), ("branch3", branch3), ("branch4", branch4)]
    }
}
