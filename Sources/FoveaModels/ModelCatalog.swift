// The zoo by name, for the command line (`fovea summary NAME`, `fovea train --model NAME`).

/// Every model the command line can build, with its default input (channels × height × width).
public enum ZooModel: String, CaseIterable, Sendable {
    case smallCNN = "small-cnn"
    case leNet5 = "lenet5"
    case alexNet = "alexnet"
    case alexNetPaper = "alexnet-paper"
    case googLeNet = "googlenet"
    case googLeNetPaper = "googlenet-paper"
    case inception3aNaive = "inception-3a-naive"
    case inception3aReduced = "inception-3a-reduced"

    /// The model, freshly initialised from the global generator; `auxiliaryHeads` adds GoogLeNet's
    /// two auxiliary classifiers.
    public func build(auxiliaryHeads: Bool = false) throws -> any Layer {
        switch self {
        case .smallCNN: return try Models.smallCNN()
        case .leNet5: return try Models.leNet5()
        case .alexNet: return try Models.alexNet(.torchvision)
        case .alexNetPaper: return try Models.alexNet(.paper)
        case .googLeNet: return try Models.googLeNet(.torchvision, auxiliaryHeads: auxiliaryHeads)
        case .googLeNetPaper: return try Models.googLeNet(.paper, auxiliaryHeads: auxiliaryHeads)
        case .inception3aNaive, .inception3aReduced:
            // Inception 3a of Table 1 (192 channels in, 28×28), with the paper's true 5×5 branch.
            let widths = InceptionChannels(oneByOne: 64, threeByThreeReduce: 96, threeByThree: 128,
                                           fiveByFiveReduce: 16, fiveByFive: 32, poolProjection: 32)
            return try InceptionModule(inputChannels: 192, channels: widths, kind: self == .inception3aNaive ? .naive : .reduced)
        }
    }

    /// The input the model was designed for, without the batch dimension.
    public var defaultInput: [Int] {
        switch self {
        case .smallCNN, .leNet5: return [1, 28, 28]
        case .alexNet, .googLeNet, .googLeNetPaper: return [3, 224, 224]
        case .alexNetPaper: return [3, 227, 227]
        case .inception3aNaive, .inception3aReduced: return [192, 28, 28]
        }
    }
}
