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
        let labels = try train.pixelLabels(indices: batch.indices)
        // Every step is trained to label the pixels (so T = 1 is a plain CNN to compare against).
        let losses = try model.stepLogits(batch.images).map { try pixelCrossEntropy(logits: $0, labels: labels) }
        let loss = try losses.dropFirst().reduce(losses[0]) { try $0 + $1 }
        try loss.backward()
        optimizer.step()
        total += Double(try loss.item()); batches += 1
    }
    print(String(format: "epoch %d: mean loss (sum over 3 steps) %.4f", epoch + 1, total / Double(batches)))
}

/// The fraction of test pixels labelled correctly after `steps` applications: all pixels, and
/// the glyph pixels alone (background is most of every image).
@MainActor func pixelAccuracy(steps: Int) throws -> (all: Double, glyph: Double) {
    model.steps = steps
    var correct = 0, total = 0, glyphCorrect = 0, glyphTotal = 0
    let testLoader = try DataLoader(dataset: test.images, batchSize: 100, shuffle: false, seed: 0, normalization: normalization)
    try GradientRecording.withoutGradients {
        for batch in testLoader.batches(epoch: 0) {
            let labels = try test.pixelLabels(indices: batch.indices)
            let logits = try model(batch.images).permuted([0, 2, 3, 1]).reshaped(to: [-1, test.classNames.count])
            for (predicted, label) in zip(try logits.argmax(alongAxis: 1), labels) {
                let right = predicted == Int(label) ? 1 : 0
                correct += right; total += 1
                if label != 0 { glyphCorrect += right; glyphTotal += 1 }
            }
        }
    }
    return (Double(correct) / Double(total), Double(glyphCorrect) / Double(max(glyphTotal, 1)))
}
for t in 1...3 {
    let accuracy = try pixelAccuracy(steps: t)
    print(String(format: "T = %d: pixel accuracy %.2f%% (glyph pixels %.2f%%)", t, 100 * accuracy.all, 100 * accuracy.glyph))
}
print(String(format: "%.0f s", Date().timeIntervalSince(started)))
