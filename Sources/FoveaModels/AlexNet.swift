// AlexNet — A. Krizhevsky, I. Sutskever, G. E. Hinton, "ImageNet classification with deep
// convolutional neural networks", NeurIPS 2012 — in two variants.
//
// `.paper`: the network of the paper, on one device. Input 3×227×227 (the paper's "224" does not
// fit its own stride-4 11×11 first layer; 227 does):
//   conv1 3→96 11×11/4 → 55², ReLU, LRN, max pool 3/2 → 27²
//   conv2 96→256 5×5 pad 2, groups 2 → 27², ReLU, LRN, max pool 3/2 → 13²
//   conv3 256→384 3×3 pad 1 (sees both halves), ReLU
//   conv4 384→384 3×3 pad 1, groups 2, ReLU
//   conv5 384→256 3×3 pad 1, groups 2, ReLU, max pool 3/2 → 6²
//   fc6 9216→4096, ReLU, dropout 0.5; fc7 4096→4096, ReLU, dropout 0.5; fc8 4096→classes
//   LRN: size n = 5, α = 1e-4, β = 0.75, k = 2 (PyTorch's α/n convention, as Caffe's).
// 60,965,224 parameters at 227×227 with 1000 classes.
// Deviations: the two-GPU split survives only as `groups: 2` (mathematically the same network);
// weights start from PyTorch's default initialisation, not N(0, 0.01) with biases 1 in conv2,
// conv4, conv5 and the hidden fully connected layers; `inputSize` may size the classifier for a
// side other than 227 (the maps then shrink accordingly).
//
// `.torchvision`: torchvision's `alexnet` (after "One weird trick…", Krizhevsky 2014): 64-192-384-
// 256-256 channels, no groups, no LRN, an adaptive average pool to 6×6 (so any side ≥ 63 works),
// dropout before fc6 and fc7. Exactly torchvision's modules and state-dict names:
// `features.{0,3,6,8,10}.{weight,bias}`, `classifier.{1,4,6}.{weight,bias}`; 61,100,840 parameters.

/// Which AlexNet ``Models/alexNet(_:classes:dropout:inputSize:)`` builds.
public enum AlexNetVariant: String, Sendable, CaseIterable {
    /// Krizhevsky et al. 2012: 96-256-384-384-256 channels, groups 2, LRN, fixed 227×227 input.
    case paper
    /// torchvision's `alexnet`: 64-192-384-256-256 channels, adaptive pooling, torchvision names.
    case torchvision
}

/// AlexNet: `features` (convolutions), optionally `avgpool` (torchvision), a flatten, then
/// `classifier`. Input `[N, 3, H, W]` → logits `[N, classes]`.
public final class AlexNet: Layer {
    /// The variant this network was built as.
    public let variant: AlexNetVariant
    /// The convolutional part, a `Sequential` named `features` as in torchvision.
    public let features: Sequential
    /// torchvision's adaptive average pooling to 6×6; nil in the paper variant.
    public let avgpool: AdaptiveAvgPool2D?
    /// The fully connected part, a `Sequential` named `classifier`.
    public let classifier: Sequential

    init(variant: AlexNetVariant, features: Sequential, avgpool: AdaptiveAvgPool2D?, classifier: Sequential) {
        (self.variant, self.features, self.avgpool, self.classifier) = (variant, features, avgpool, classifier)
    }

    /// - Throws: ``TensorError`` when the input is not `[N, 3, H, W]` of a size the variant accepts.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = try features(input)
        if let avgpool { x = try avgpool(x) }
        return try classifier(x.flattened(startingAt: 1))
    }

    public var children: [(name: String, layer: any Layer)] {
        [("features", features)] + (avgpool.map { [("avgpool", $0)] } ?? []) + [("classifier", classifier)]
    }
}

extension Models {
    /// AlexNet in the paper's or torchvision's form (see ``AlexNetVariant`` and the file header).
    /// - Parameters:
    ///   - variant: `.torchvision` (default) or `.paper`.
    ///   - classes: the number of outputs (1000 for ImageNet).
    ///   - dropout: the drop probability of the two dropout layers (0.5 in both variants).
    ///   - inputSize: paper variant only: the input side the classifier is sized for (227 in the
    ///     paper; at least 67). torchvision's adaptive pooling accepts any side ≥ 63 instead.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for non-positive sizes or a
    ///   paper-variant input side whose maps vanish.
    public static func alexNet(_ variant: AlexNetVariant = .torchvision, classes: Int = 1000, dropout: Float = 0.5,
                               inputSize: Int = 227) throws -> AlexNet {
        switch variant {
        case .torchvision:
            let features = Sequential(
                try Conv2D(inputChannels: 3, outputChannels: 64, kernelSize: 11, stride: 4, padding: .explicit(2)), ReLU(),
                try MaxPool2D(kernelSize: 3, stride: 2),
                try Conv2D(inputChannels: 64, outputChannels: 192, kernelSize: 5, padding: .explicit(2)), ReLU(),
                try MaxPool2D(kernelSize: 3, stride: 2),
                try Conv2D(inputChannels: 192, outputChannels: 384, kernelSize: 3, padding: .explicit(1)), ReLU(),
                try Conv2D(inputChannels: 384, outputChannels: 256, kernelSize: 3, padding: .explicit(1)), ReLU(),
                try Conv2D(inputChannels: 256, outputChannels: 256, kernelSize: 3, padding: .explicit(1)), ReLU(),
                try MaxPool2D(kernelSize: 3, stride: 2))
            let classifier = Sequential(
                try Dropout(probability: dropout), try Linear(inputFeatures: 256 * 6 * 6, outputFeatures: 4096), ReLU(),
                try Dropout(probability: dropout), try Linear(inputFeatures: 4096, outputFeatures: 4096), ReLU(),
                try Linear(inputFeatures: 4096, outputFeatures: classes))
            return AlexNet(variant: .torchvision, features: features, avgpool: try AdaptiveAvgPool2D(outputSize: 6), classifier: classifier)
        case .paper:
            // Side after conv1 (11/4), pool (3/2), conv2 (same), pool, conv3–5 (same), pool.
            let pooled = { (side: Int) in (side - 3) / 2 + 1 }
            let conv1 = (inputSize - 11) / 4 + 1
            let side = inputSize >= 11 ? pooled(pooled(pooled(conv1))) : 0
            guard conv1 >= 3, pooled(conv1) >= 3, pooled(pooled(conv1)) >= 3, side >= 1 else {
                throw TensorError.invalidArgument(operation: "alexNet", reason: "input side \(inputSize) is too small for the paper's AlexNet (at least 67)")
            }
            let lrn = { try LocalResponseNorm(size: 5, alpha: 1e-4, beta: 0.75, k: 2) }
            let features = Sequential(
                try Conv2D(inputChannels: 3, outputChannels: 96, kernelSize: 11, stride: 4), ReLU(), try lrn(),
                try MaxPool2D(kernelSize: 3, stride: 2),
                try Conv2D(inputChannels: 96, outputChannels: 256, kernelSize: 5, padding: .explicit(2), groups: 2), ReLU(), try lrn(),
                try MaxPool2D(kernelSize: 3, stride: 2),
                try Conv2D(inputChannels: 256, outputChannels: 384, kernelSize: 3, padding: .explicit(1)), ReLU(),
                try Conv2D(inputChannels: 384, outputChannels: 384, kernelSize: 3, padding: .explicit(1), groups: 2), ReLU(),
                try Conv2D(inputChannels: 384, outputChannels: 256, kernelSize: 3, padding: .explicit(1), groups: 2), ReLU(),
                try MaxPool2D(kernelSize: 3, stride: 2))
            let classifier = Sequential(
                try Linear(inputFeatures: 256 * side * side, outputFeatures: 4096), ReLU(), try Dropout(probability: dropout),
                try Linear(inputFeatures: 4096, outputFeatures: 4096), ReLU(), try Dropout(probability: dropout),
                try Linear(inputFeatures: 4096, outputFeatures: classes))
            return AlexNet(variant: .paper, features: features, avgpool: nil, classifier: classifier)
        }
    }
}
