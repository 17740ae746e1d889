// LeNet-5 — Y. LeCun, L. Bottou, Y. Bengio, P. Haffner, "Gradient-based learning applied to
// document recognition", Proc. IEEE 86(11), 1998 — as it is commonly trained today.
//
// Architecture (input 1×28×28, padded by 2 to the paper's 32×32):
//   C1 conv 1→6 5×5 (pad 2) → 6×28×28, ReLU, S2 max pool 2 → 6×14×14,
//   C3 conv 6→16 5×5 → 16×10×10, ReLU, S4 max pool 2 → 16×5×5,
//   C5 linear 400→120, ReLU, F6 linear 120→84, ReLU, output linear 84→10.
// 61,706 parameters. Parameter names are those of the same `nn.Sequential` in PyTorch:
// "0.weight", "0.bias", "3.weight", "3.bias", "7.weight", …, "11.bias".
//
// Deviations from the paper:
// - ReLU instead of the scaled tanh `1.7159·tanh(2x/3)`.
// - Max pooling instead of the trainable subsampling (average × coefficient + bias, then sigmoid).
// - C3 connects every S2 map to every C3 map, not the paper's sparse table (60 of 96 pairs).
// - C5 is a linear layer on the flattened 16×5×5 maps (the same thing as a 5×5 convolution on a
//   5×5 map), and the output layer is a linear layer with softmax cross-entropy instead of
//   Euclidean RBF units with fixed ASCII-bitmap centres.

extension Models {
    /// LeNet-5 for `inputChannels`×28×28 images (ReLU and max pooling; see the file header for
    /// the deviations from LeCun et al. 1998). Input `[N, inputChannels, 28, 28]` → logits `[N, classes]`.
    ///
    /// Built with ``typicalCNN(inputChannels:inputSize:stages:hiddenFeatures:classes:dropout:)``:
    /// two stages (6 filters 5×5 with padding 2, 16 filters 5×5), hidden widths 120 and 84.
    /// - Throws: for non-positive sizes.
    public static func leNet5(inputChannels: Int = 1, classes: Int = 10) throws -> Sequential {
        try typicalCNN(inputChannels: inputChannels, inputSize: 28,
                       stages: [TypicalCNNStage(outputChannels: 6, kernelSize: 5, padding: 2),
                                TypicalCNNStage(outputChannels: 16, kernelSize: 5)],
                       hiddenFeatures: [120, 84], classes: classes)
    }
}
