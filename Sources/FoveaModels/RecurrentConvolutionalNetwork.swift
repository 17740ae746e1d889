// The recurrent convolutional network for pixel labelling — P. H. O. Pinheiro, R. Collobert,
// "Recurrent convolutional neural networks for scene labeling", ICML 2014 — in the form of
// Goodfellow, Bengio & Courville, "Deep Learning" (2016), §9.10 and Fig. 9.17.
//
// One set of kernels is applied T times. Step t sees the image X and the previous step's label
// probabilities Ŷ⁽ᵗ⁻¹⁾ and refines them:
//   H⁽ᵗ⁾ = ReLU(U ∗ X + W ∗ Ŷ⁽ᵗ⁻¹⁾ + b),   logits⁽ᵗ⁾ = V ∗ H⁽ᵗ⁾ + c,   Ŷ⁽ᵗ⁾ = softmax over classes.
// Ŷ⁽⁰⁾ is zero (Pinheiro & Collobert's empty label planes), so step 1 is a plain CNN and each later
// step widens the context by the receptive field of W. Every map keeps the input's H×W (same
// padding), so the output gives one score per class per pixel.
//
// Deviations from Pinheiro & Collobert: each step is the book's single hidden layer (U, W, V)
// instead of their deeper per-instance CNN with pooling; all steps work at full resolution on one
// image scale (they down-sample and use several scales); Ŷ enters through a learned kernel W rather
// than by concatenation with the image (the same thing: a convolution of [X; Ŷ] splits into U ∗ X +
// W ∗ Ŷ). Training: every step's logits are supervised (``RecurrentConvolutionalNetwork/stepLoss(_:labels:)``),
// so T = 1 stays a plain CNN to compare the refinements with; `fovea train --model rcn` trains it on
// the `shapes` segmentation set and reports pixel accuracy per T (README, "The networks of the course").

/// The recurrent convolutional network of Goodfellow et al. Fig. 9.17 for per-pixel labelling.
///
/// Input `[N, inputChannels, H, W]` → logits `[N, classes, H, W]` after ``steps`` refinements.
/// Children: `imageKernel` (U, `Conv2D` inputChannels→hidden, with bias), `labelKernel` (W,
/// `Conv2D` classes→hidden, no bias), `outputKernel` (V, `Conv2D` hidden→classes, with bias); the
/// parameter count does not depend on T.
public final class RecurrentConvolutionalNetwork: Layer {
    /// U: the image to the hidden maps.
    public let imageKernel: Conv2D
    /// W: the previous label probabilities to the hidden maps (shared by every step).
    public let labelKernel: Conv2D
    /// V: the hidden maps to per-pixel class logits.
    public let outputKernel: Conv2D
    /// T, the number of applications of the shared kernels (at least 1). It may be changed after
    /// training, to compare T = 1, 2, 3 on one set of weights.
    public var steps: Int {
        didSet { steps = Swift.max(steps, 1) }
    }

    /// - Parameters:
    ///   - kernelSize: the odd side of U and W (padding `kernelSize / 2`).
    ///   - outputKernelSize: the odd side of V.
    ///   - steps: T.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for even kernels, T < 1 or
    ///   non-positive channel counts.
    public init(inputChannels: Int, classes: Int, hiddenChannels: Int = 32, kernelSize: Int = 5,
                outputKernelSize: Int = 1, steps: Int = 3) throws {
        guard kernelSize % 2 == 1, outputKernelSize % 2 == 1, kernelSize >= 1, outputKernelSize >= 1, steps >= 1 else {
            throw TensorError.invalidArgument(operation: "RecurrentConvolutionalNetwork",
                                              reason: "kernels \(kernelSize), \(outputKernelSize) must be odd and positive and steps \(steps) ≥ 1")
        }
        func same(_ k: Int) -> Padding { k == 1 ? .valid : .explicit(k / 2) }
        imageKernel = try Conv2D(inputChannels: inputChannels, outputChannels: hiddenChannels,
                                 kernelSize: SpatialSize([kernelSize]), padding: same(kernelSize))
        labelKernel = try Conv2D(inputChannels: classes, outputChannels: hiddenChannels,
                                 kernelSize: SpatialSize([kernelSize]), padding: same(kernelSize), bias: false)
        outputKernel = try Conv2D(inputChannels: hiddenChannels, outputChannels: classes,
                                  kernelSize: SpatialSize([outputKernelSize]), padding: same(outputKernelSize))
        self.steps = steps
    }

    /// The logits of every step, `steps` tensors `[N, classes, H, W]`, first to last.
    /// - Throws: ``TensorError`` when the input is not `[N, inputChannels, H, W]`.
    public func stepLogits(_ input: Tensor) throws -> [Tensor] {
        let fromImage = try imageKernel(input)
        var logits: [Tensor] = []
        var probabilities: Tensor? = nil
        for _ in 0..<steps {
            // Ŷ⁽⁰⁾ = 0, so the first step needs no W ∗ Ŷ term.
            let preactivation = try probabilities.map { try fromImage + labelKernel($0) } ?? fromImage
            let step = try outputKernel(preactivation.relu())
            logits.append(step)
            probabilities = try step.softmax(alongAxis: 1)
        }
        return logits
    }

    /// The training loss with every step supervised: the sum over steps of each step's mean pixel
    /// cross-entropy against `labels` (N·H·W class indices in (image, row, column) order), and the
    /// step logits it came from.
    /// - Throws: as ``stepLogits(_:)``, or when the labels do not fit (see `pixelCrossEntropy`).
    public func stepLoss(_ input: Tensor, labels: [Int32]) throws -> (loss: Tensor, stepLogits: [Tensor]) {
        let logits = try stepLogits(input)
        let losses = try logits.map { try pixelCrossEntropy(logits: $0, labels: labels) }
        return (try losses.dropFirst().reduce(losses[0]) { try $0 + $1 }, logits)
    }

    /// The last step's logits `[N, classes, H, W]`.
    /// - Throws: as ``stepLogits(_:)``.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        guard let last = try stepLogits(input).last else { preconditionFailure("steps ≥ 1") }
        return last
    }

    public var children: [(name: String, layer: any Layer)] {
        [("imageKernel", imageKernel), ("labelKernel", labelKernel), ("outputKernel", outputKernel)]
    }
}

extension Models {
    /// A recurrent convolutional network (Pinheiro & Collobert 2014; Goodfellow et al. Fig. 9.17)
    /// labelling every pixel of `[N, inputChannels, H, W]` images with one of `classes`.
    /// See ``RecurrentConvolutionalNetwork``.
    /// - Throws: as ``RecurrentConvolutionalNetwork/init(inputChannels:classes:hiddenChannels:kernelSize:outputKernelSize:steps:)``.
    public static func recurrentConvolutionalNetwork(inputChannels: Int = 1, classes: Int, hiddenChannels: Int = 32,
                                                     kernelSize: Int = 5, steps: Int = 3) throws -> RecurrentConvolutionalNetwork {
        try RecurrentConvolutionalNetwork(inputChannels: inputChannels, classes: classes, hiddenChannels: hiddenChannels,
                                          kernelSize: kernelSize, steps: steps)
    }
}
