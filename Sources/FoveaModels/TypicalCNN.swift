// The course's "typical CNN" (Goodfellow, Bengio & Courville 2016, §9.3, Fig. 9.7): stages of
// convolution → detector (ReLU) → pooling, then a classifier of fully connected layers. The
// builder returns a plain `Sequential`, so parameter names are PyTorch's `nn.Sequential` names
// ("0.weight", "0.bias", "3.weight", …) and a model built here loads a checkpoint of the same
// stack written by PyTorch.
//
// Layers are created in order (each stage's convolution, then each linear layer), so a seeded run
// draws the same initial weights as the hand-written stack it replaces.

/// One convolution → ReLU → max-pooling stage of ``Models/typicalCNN(inputChannels:inputSize:stages:hiddenFeatures:classes:dropout:)``.
public struct TypicalCNNStage: Sendable, Equatable {
    /// The number of filters of the convolution.
    public var outputChannels: Int
    /// The square kernel's side.
    public var kernelSize: Int
    /// Zero padding on each side of the convolution (stride 1).
    public var padding: Int
    /// The max-pooling window and stride (non-overlapping); 1 for no pooling.
    public var poolSize: Int

    /// A stage of `outputChannels` `kernelSize`×`kernelSize` filters with `padding`, then ReLU and
    /// `poolSize`×`poolSize` max pooling.
    public init(outputChannels: Int, kernelSize: Int, padding: Int = 0, poolSize: Int = 2) {
        self.outputChannels = outputChannels
        self.kernelSize = kernelSize
        self.padding = padding
        self.poolSize = poolSize
    }
}

extension Models {
    /// A typical CNN for square `inputChannels`×`inputSize`×`inputSize` images.
    ///
    /// Layers, in order: per stage `Conv2D(k, padding p)`, `ReLU`, `MaxPool2D(pool)` (omitted when
    /// `poolSize` is 1); then `Flatten`; per hidden width `Linear`, `ReLU` (and `Dropout` when
    /// `dropout > 0`); finally `Linear(…, classes)`. A stage maps a side `s` to
    /// `((s + 2p − k) + 1) / pool` (floor). Input `[N, inputChannels, inputSize, inputSize]` →
    /// logits `[N, classes]`.
    ///
    /// ```swift
    /// // The default `fovea train` model: 454,922 parameters.
    /// let net = try Models.typicalCNN(stages: [.init(outputChannels: 32, kernelSize: 5, padding: 2),
    ///                                           .init(outputChannels: 64, kernelSize: 5, padding: 2)],
    ///                                  hiddenFeatures: [128])
    /// ```
    /// - Parameters:
    ///   - stages: the convolutional stages, first to last (at least one).
    ///   - hiddenFeatures: widths of the hidden fully connected layers (may be empty).
    ///   - dropout: the drop probability before each hidden layer's successor; 0 for none.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` when there is no stage, a size
    ///   is not positive, or the feature map vanishes (the error names the stage).
    public static func typicalCNN(inputChannels: Int = 1, inputSize: Int = 28, stages: [TypicalCNNStage],
                                  hiddenFeatures: [Int] = [], classes: Int = 10, dropout: Float = 0) throws -> Sequential {
        guard !stages.isEmpty else {
            throw TensorError.invalidArgument(operation: "typicalCNN", reason: "at least one convolutional stage is needed")
        }
        var layers: [any Layer] = []
        var channels = inputChannels, side = inputSize
        for (index, stage) in stages.enumerated() {
            guard stage.poolSize >= 1, stage.kernelSize >= 1, stage.padding >= 0 else {
                throw TensorError.invalidArgument(operation: "typicalCNN",
                                                  reason: "stage \(index): kernel \(stage.kernelSize), padding \(stage.padding) and pool \(stage.poolSize) must be positive (padding ≥ 0)")
            }
            layers.append(try Conv2D(inputChannels: channels, outputChannels: stage.outputChannels,
                                     kernelSize: SpatialSize([stage.kernelSize]),
                                     padding: stage.padding == 0 ? .valid : .explicit(stage.padding)))
            layers.append(ReLU())
            if stage.poolSize > 1 { layers.append(try MaxPool2D(kernelSize: SpatialSize([stage.poolSize]))) }
            side = (side + 2 * stage.padding - stage.kernelSize + 1) / stage.poolSize
            guard side >= 1 else {
                throw TensorError.invalidArgument(operation: "typicalCNN",
                                                  reason: "the feature map vanishes at stage \(index) for input side \(inputSize)")
            }
            channels = stage.outputChannels
        }
        layers.append(Flatten())
        var features = channels * side * side
        for width in hiddenFeatures {
            layers.append(try Linear(inputFeatures: features, outputFeatures: width))
            layers.append(ReLU())
            if dropout > 0 { layers.append(try Dropout(probability: dropout)) }
            features = width
        }
        layers.append(try Linear(inputFeatures: features, outputFeatures: classes))
        return Sequential(layers)
    }
}
