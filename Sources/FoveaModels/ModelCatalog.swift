// The zoo by name, for the command line (`fovea summary NAME`, `fovea train --model NAME`,
// `fovea evaluate --model NAME`): each model built for a given input and number of classes.

/// Every model the command line can build, with its default input (channels × height × width).
public enum ZooModel: String, CaseIterable, Sendable {
    case smallCNN = "small-cnn"
    case smallVGG = "small-vgg"
    case leNet5 = "lenet5"
    case alexNet = "alexnet"
    case alexNetPaper = "alexnet-paper"
    case googLeNet = "googlenet"
    case googLeNetPaper = "googlenet-paper"
    case inception3aNaive = "inception-3a-naive"
    case inception3aReduced = "inception-3a-reduced"
    case rcn = "rcn"

    /// The model, freshly initialised from the global generator.
    /// - Parameters:
    ///   - input: `[channels, height, width]` of one input (default ``defaultInput``). The small
    ///     CNN sizes its classifier for a square side that is a multiple of 4, LeNet-5 takes
    ///     28×28, the paper's AlexNet sizes its classifier for the side, the ImageNet networks take
    ///     3 channels, the inception modules 192.
    ///   - classes: the number of outputs (default ``defaultClasses``; ignored by the inception modules).
    ///   - auxiliaryHeads: adds GoogLeNet's two auxiliary classifiers.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` naming the model and what it takes
    ///   when the input does not fit. Whether the maps of a deep network survive a small input is
    ///   for `summary(input:)` to tell (it names the layer where they vanish).
    public func build(input: [Int]? = nil, classes: Int? = nil, auxiliaryHeads: Bool = false) throws -> any Layer {
        let shape = input ?? defaultInput
        let classes = classes ?? defaultClasses
        guard shape.count == 3, shape.allSatisfy({ $0 >= 1 }) else {
            throw refusal("an input [channels, height, width] with positive sizes, not \(shape)")
        }
        let (channels, height, width) = (shape[0], shape[1], shape[2])
        let imageNetStyle: Set<ZooModel> = [.alexNet, .alexNetPaper, .googLeNet, .googLeNetPaper]
        if imageNetStyle.contains(self), channels != 3 { throw refusal("3-channel (RGB) images, not \(channels)-channel ones") }
        switch self {
        case .smallCNN:
            guard height == width, height % 4 == 0 else { throw refusal("square images whose side is a multiple of 4, not \(height)×\(width)") }
            return try Models.smallCNN(inputChannels: channels, inputSize: height, classes: classes)
        case .smallVGG:
            guard height == width, height % 4 == 0 else { throw refusal("square images whose side is a multiple of 4, not \(height)×\(width)") }
            return try Models.smallVGG(inputChannels: channels, inputSize: height, classes: classes)
        case .leNet5:
            guard height == 28, width == 28 else { throw refusal("28×28 images, not \(height)×\(width)") }
            return try Models.leNet5(inputChannels: channels, classes: classes)
        case .alexNet: return try Models.alexNet(.torchvision, classes: classes)
        case .alexNetPaper:
            guard height == width else { throw refusal("square images, not \(height)×\(width)") }
            return try Models.alexNet(.paper, classes: classes, inputSize: height)
        case .googLeNet: return try Models.googLeNet(.torchvision, classes: classes, auxiliaryHeads: auxiliaryHeads)
        case .googLeNetPaper: return try Models.googLeNet(.paper, classes: classes, auxiliaryHeads: auxiliaryHeads)
        case .inception3aNaive, .inception3aReduced:
            guard channels == 192 else { throw refusal("192 input channels, not \(channels)") }
            // Inception 3a of Table 1 (192 channels in, 28×28), with the paper's true 5×5 branch.
            let widths = InceptionChannels(oneByOne: 64, threeByThreeReduce: 96, threeByThree: 128,
                                           fiveByFiveReduce: 16, fiveByFive: 32, poolProjection: 32)
            return try InceptionModule(inputChannels: 192, channels: widths, kind: self == .inception3aNaive ? .naive : .reduced)
        case .rcn:
            return try Models.recurrentConvolutionalNetwork(inputChannels: channels, classes: classes)
        }
    }

    /// The input the model was designed for, without the batch dimension.
    public var defaultInput: [Int] {
        switch self {
        case .smallCNN, .smallVGG, .leNet5, .rcn: return [1, 28, 28]
        case .alexNet, .googLeNet, .googLeNetPaper: return [3, 224, 224]
        case .alexNetPaper: return [3, 227, 227]
        case .inception3aNaive, .inception3aReduced: return [192, 28, 28]
        }
    }

    /// The outputs the model has by default: 1000 ImageNet classes for AlexNet and GoogLeNet, 10
    /// for the Fashion-MNIST networks, 11 pixel labels for the recurrent network (background and
    /// the ten `shapes` glyphs); the inception modules have no classifier (0).
    public var defaultClasses: Int {
        switch self {
        case .smallCNN, .smallVGG, .leNet5: return 10
        case .alexNet, .alexNetPaper, .googLeNet, .googLeNetPaper: return 1000
        case .inception3aNaive, .inception3aReduced: return 0
        case .rcn: return 11
        }
    }

    /// Whether the model labels every pixel (`[N, classes, H, W]` out) rather than the whole image.
    public var labelsPixels: Bool { self == .rcn }

    private func refusal(_ takes: String) -> TensorError {
        .invalidArgument(operation: rawValue, reason: "takes \(takes)")
    }
}
