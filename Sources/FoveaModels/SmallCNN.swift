// The small CNN that `fovea train` uses by default: the course's "typical CNN" — two stages of
// convolution → ReLU detector → max pooling, then a two-layer classifier — built with
// `Models.typicalCNN`.
//
// It is the network of PyTorch's MNIST example family: conv 1→32 k5 pad 2, ReLU, maxpool 2;
// conv 32→64 k5 pad 2, ReLU, maxpool 2; linear 3136→128, ReLU; linear 128→10 — 454,922
// parameters for 28×28 grey images. Its parameter names match the same `nn.Sequential` in PyTorch.

/// The model zoo's constructors. Each returns an untrained model initialised as PyTorch would
/// (from the global generator, see `GlobalRandom.seed(_:)`).
public enum Models {
    /// The default small CNN for `channels`×28×28 inputs (`"0.weight"`, `"0.bias"`, `"3.weight"`, …).
    /// - Parameters:
    ///   - inputSize: the square input's side; must be divisible by 4.
    /// - Throws: for a side not divisible by 4 or non-positive sizes.
    public static func smallCNN(inputChannels: Int = 1, inputSize: Int = 28, classes: Int = 10) throws -> Sequential {
        guard inputSize >= 4, inputSize % 4 == 0 else {
            throw TensorError.invalidArgument(operation: "smallCNN", reason: "input size \(inputSize) must be a positive multiple of 4")
        }
        return try typicalCNN(inputChannels: inputChannels, inputSize: inputSize,
                              stages: [TypicalCNNStage(outputChannels: 32, kernelSize: 5, padding: 2),
                                       TypicalCNNStage(outputChannels: 64, kernelSize: 5, padding: 2)],
                              hiddenFeatures: [128], classes: classes)
    }
}
