// Trains the recurrent convolutional network (Goodfellow et al. Fig. 9.17) to label every pixel of
// `shapes` images with its glyph's class or background, then measures pixel accuracy on held-out
// images after T = 1, 2 and 3 applications of the same kernels.
// Run: swift run -c release fovea-rcn-shapes [epochs]
import Foundation
import Fovea

let epochs = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 4
GlobalRandom.seed(7)
let train = ImageDataset.shapesSegmentation(count: 4000, seed: 11)
let test = ImageDataset.shapesSegmentation(count: 1000, seed: 12)
let normalization = train.images.pixelStatistics()
let model = try Models.recurrentConvolutionalNetwork(inputChannels: 1, classes: train.classNames.count, hiddenChannels: 32,
                                                     kernelSize: 5, steps: 3)
let optimizer = try Adam(parameters: model.parameters, learningRate: 0.003)
let loader = try DataLoader(dataset: train.images, batchSize: 32, shuffle: true, seed: 11, normalization: normalization)
let started = Date()
for epoch in 0..<epochs {
    var total = 0.0, batches = 0
    for batch in loader.batches(epoch: epoch) {
        optimizer.zeroGradients()
        // Every step is trained to label the pixels (so T = 1 is a plain CNN to compare against).
        let (loss, _) = try model.stepLoss(batch.images, labels: train.pixelLabels(indices: batch.indices))
        try loss.backward()
        optimizer.step()
        total += Double(try loss.item()); batches += 1
    }
    print(String(format: "epoch %d: mean loss (sum over 3 steps) %.4f", epoch + 1, total / Double(batches)))
}

// Pixel accuracy after each step T on held-out images: all pixels, and the glyph pixels alone
// (background is most of every image). Step t's labels do not depend on later steps, so one pass
// with T = 3 measures T = 1, 2 and 3.
var accuracies = [PixelAccuracy](repeating: PixelAccuracy(background: 0), count: model.steps)
let testLoader = try DataLoader(dataset: test.images, batchSize: 100, shuffle: false, seed: 0, normalization: normalization)
try GradientRecording.withoutGradients {
    for batch in testLoader.batches(epoch: 0) {
        let labels = try test.pixelLabels(indices: batch.indices)
        for (t, logits) in try model.stepLogits(batch.images).enumerated() { try accuracies[t].add(logits: logits, labels: labels) }
    }
}
for (t, accuracy) in accuracies.enumerated() {
    print(String(format: "T = %d: pixel accuracy %.2f%% (glyph pixels %.2f%%)", t + 1, 100 * accuracy.accuracy, 100 * accuracy.foregroundAccuracy))
}
print(String(format: "%.0f s", Date().timeIntervalSince(started)))
