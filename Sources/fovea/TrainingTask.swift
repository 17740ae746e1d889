// What a run learns, as `fovea train` and `fovea evaluate` need it: one class per image (every
// classifier of the zoo) or one class per pixel (the recurrent convolutional network on the
// `shapes` segmentation set). The loop and the evaluation are the same for both; the loss of a
// batch and the test metrics are what differ.

import Foundation
import Fovea

/// The loss of a training batch and the metrics of a test set, for one kind of labelling.
protocol TrainingTask {
    /// The loss of `batch` (from the training set), and how many of its predictions — images or
    /// pixels — were right, out of how many.
    func loss(of model: any Layer, on batch: Batch) throws -> (loss: Tensor, correct: Int, counted: Int)

    /// The metrics of the model on `loader`'s images, without recording gradients (the caller
    /// puts the model in evaluation mode).
    func test(_ model: any Layer, on loader: DataLoader) throws -> TestMetrics
}

/// What a test pass measured.
struct TestMetrics {
    /// The headline: image accuracy, or pixel accuracy after the last step.
    var accuracy: Double
    /// Further values for metrics.jsonl, in order (empty for classification).
    var details: [(key: String, value: Double)] = []
    /// Those values for people ("" for classification).
    var text = ""
    /// Predictions against labels (of the last step, for pixels).
    var confusion: ConfusionMatrix
}

/// One class per image: softmax cross-entropy on the logits `[N, classes]`.
struct ImageClassification: TrainingTask {
    let classCount: Int

    func loss(of model: any Layer, on batch: Batch) throws -> (loss: Tensor, correct: Int, counted: Int) {
        let logits = try model(batch.images)
        return (try crossEntropy(logits: logits, labels: batch.labels), try correctPredictions(logits: logits, labels: batch.labels),
                batch.labels.count)
    }

    func test(_ model: any Layer, on loader: DataLoader) throws -> TestMetrics {
        var matrix = try ConfusionMatrix(classCount: classCount)
        try GradientRecording.withoutGradients {
            for batch in loader.batches(epoch: 0) { try matrix.add(logits: model(batch.images), labels: batch.labels) }
        }
        return TestMetrics(accuracy: matrix.accuracy, confusion: matrix)
    }
}

/// One class per pixel with the recurrent convolutional network: every step supervised
/// (`RecurrentConvolutionalNetwork.stepLoss`), pixel accuracy measured after each step T.
struct PixelLabelling: TrainingTask {
    /// The pixel labels of the loaders' images: `train` for training batches, `test` for testing.
    let train: SegmentationDataset, test: SegmentationDataset

    private func network(_ model: any Layer) throws -> RecurrentConvolutionalNetwork {
        guard let network = model as? RecurrentConvolutionalNetwork else {
            throw RunError("pixel labelling needs the recurrent convolutional network (rcn), not \(type(of: model))")
        }
        return network
    }

    func loss(of model: any Layer, on batch: Batch) throws -> (loss: Tensor, correct: Int, counted: Int) {
        let labels = try train.pixelLabels(indices: batch.indices)
        let (loss, steps) = try network(model).stepLoss(batch.images, labels: labels)
        var accuracy = PixelAccuracy()
        try accuracy.add(logits: steps[steps.count - 1], labels: labels)
        return (loss, accuracy.correct, accuracy.total)
    }

    func test(_ model: any Layer, on loader: DataLoader) throws -> TestMetrics {
        let network = try network(model)
        var perStep = [PixelAccuracy](repeating: PixelAccuracy(), count: network.steps)
        var matrix = try ConfusionMatrix(classCount: test.classNames.count)
        try GradientRecording.withoutGradients {
            for batch in loader.batches(epoch: 0) {
                let labels = try test.pixelLabels(indices: batch.indices)
                let steps = try network.stepLogits(batch.images)
                for (t, logits) in steps.enumerated() { try perStep[t].add(logits: logits, labels: labels) }
                try matrix.add(predictions: steps[steps.count - 1].argmax(alongAxis: 1), labels: labels)
            }
        }
        let details = perStep.enumerated().flatMap { t, a in
            [("test_accuracy_t\(t + 1)", a.accuracy), ("test_foreground_accuracy_t\(t + 1)", a.foregroundAccuracy)]
        }
        let percents = { (values: [Double]) in values.map { String(format: "%.2f", 100 * $0) }.joined(separator: " / ") + " %" }
        let text = "pixel accuracy for T = \((1...perStep.count).map(String.init).joined(separator: ", ")): "
            + "\(percents(perStep.map(\.accuracy))) (foreground pixels \(percents(perStep.map(\.foregroundAccuracy))))"
        return TestMetrics(accuracy: perStep[perStep.count - 1].accuracy, details: details, text: text, confusion: matrix)
    }
}
