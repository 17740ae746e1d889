// A small VGG-style network with batch normalisation: the model of the `fashion-best` training
// recipe (README, "Training to 93 %").
//
// VGG's idea (Simonyan & Zisserman 2014) at Fashion-MNIST scale: stacks of two 3×3 convolutions
// (a 5×5 receptive field for fewer weights than one 5×5) before each 2×2 max pooling, batch
// normalisation after every convolution (Ioffe & Szegedy 2015; the convolutions then need no
// bias), and dropout in the classifier. Layers of one `nn.Sequential`, so the state dict uses
// PyTorch's names ("0.weight", "1.running_mean", …). Deviations from VGG: two stages, not five,
// widths 32 and 64, one hidden layer of 256.

extension Models {
    /// A small VGG-style network for square `inputChannels`×`inputSize`×`inputSize` images.
    ///
    /// Per stage of width w: `Conv2D(3×3, padding 1, no bias)`, `BatchNorm2D`, `ReLU`, twice, then
    /// `MaxPool2D(2)`; then `Flatten`, `Dropout(0.25)`, `Linear(…, 256)`, `ReLU`, `Dropout(0.5)`,
    /// `Linear(256, classes)`. For 1×28×28 inputs and widths [32, 64]: 870,826 parameters.
    /// - Throws: for an input side not divisible by 2 per stage, or non-positive sizes.
    public static func smallVGG(inputChannels: Int = 1, inputSize: Int = 28, classes: Int = 10,
                                widths: [Int] = [32, 64], hiddenFeatures: Int = 256) throws -> Sequential {
        let scale = 1 << widths.count
        guard inputSize >= scale, inputSize % scale == 0, !widths.isEmpty else {
            throw TensorError.invalidArgument(operation: "smallVGG",
                                              reason: "input size \(inputSize) must be a positive multiple of \(scale) for \(widths.count) stages")
        }
        var layers: [any Layer] = []
        var channels = inputChannels
        for width in widths {
            for _ in 0..<2 {
                layers.append(try Conv2D(inputChannels: channels, outputChannels: width, kernelSize: 3, padding: .explicit(1), bias: false))
                layers.append(try BatchNorm2D(featureCount: width))
                layers.append(ReLU())
                channels = width
            }
            layers.append(try MaxPool2D(kernelSize: 2))
        }
        let side = inputSize / scale
        layers += [Flatten(), try Dropout(probability: 0.25),
                   try Linear(inputFeatures: channels * side * side, outputFeatures: hiddenFeatures), ReLU(),
                   try Dropout(probability: 0.5), try Linear(inputFeatures: hiddenFeatures, outputFeatures: classes)]
        return Sequential(layers)
    }
}
