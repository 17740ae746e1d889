// The training loop of `fovea train`: steps, guard rails against non-finite numbers, metrics,
// evaluation after each epoch, checkpoints at epoch ends and on Ctrl-C. Numerics live in the
// libraries; this file is the order of events.

import Foundation
import Fovea

/// One run's loop over its remaining epochs.
final class TrainingLoop {
    enum Outcome { case finished, interrupted }

    let configuration: TrainingConfiguration
    let folder: RunFolder
    let model: any Layer
    let optimizer: any StatefulOptimizer & GroupedOptimizer
    /// What is learned: image classes or pixel labels.
    let task: any TrainingTask
    let trainLoader: DataLoader
    let testLoader: DataLoader
    let schedule: LearningRateSchedule
    let interrupt: InterruptSignal?
    /// Stop as on Ctrl-C once this many steps of the run are done (tests of resume).
    var stopAfterSteps: Int?
    private(set) var position: TrainingPosition
    /// The position of the checkpoint on disk, named when training has to stop.
    private var savedPosition: TrainingPosition

    init(configuration: TrainingConfiguration, folder: RunFolder, model: any Layer, optimizer: any StatefulOptimizer & GroupedOptimizer,
         task: any TrainingTask, trainLoader: DataLoader, testLoader: DataLoader, position: TrainingPosition, interrupt: InterruptSignal?) throws {
        (self.configuration, self.folder, self.model, self.optimizer, self.task) = (configuration, folder, model, optimizer, task)
        (self.trainLoader, self.testLoader, self.position, self.savedPosition, self.interrupt) = (trainLoader, testLoader, position, position, interrupt)
        schedule = try ScheduleName(rawValue: configuration.schedule)!.schedule(totalSteps: max(configuration.epochs * trainLoader.count, 1))
    }

    /// Trains until the last epoch ends or Ctrl-C arrives.
    /// - Throws: ``TrainingError/diverged(epoch:step:reason:checkpoint:)`` when a loss or
    ///   gradient stops being finite (the checkpoint on disk is then the last good one).
    func run() throws -> Outcome {
        let epochs = configuration.epochs
        while position.epoch <= epochs {
            let epoch = position.epoch
            model.train()
            let progress = ProgressReporter(epoch: epoch, epochs: epochs, total: trainLoader.count)
            var started = Date()
            for batch in trainLoader.batches(epoch: epoch - 1).dropFirst(position.stepInEpoch) {
                try step(batch)
                progress.update(done: position.stepInEpoch, images: position.seen, loss: position.lossSum / Double(position.stepInEpoch),
                                accuracy: Double(position.correct) / Double(max(position.counted, 1)))
                if interrupt?.isRaised == true || (position.globalStep == stopAfterSteps && position.stepInEpoch < trainLoader.count) {
                    position.seconds += Date().timeIntervalSince(started)
                    started = Date()
                    try saveCheckpoint()
                    return .interrupted
                }
            }
            position.seconds += Date().timeIntervalSince(started)
            try finishEpoch()
            if position.globalStep == stopAfterSteps { return .interrupted }
        }
        return .finished
    }

    /// One optimizer step, refusing to apply a non-finite loss or gradient.
    private func step(_ batch: Batch) throws {
        schedule.apply(step: position.globalStep, to: optimizer)
        optimizer.zeroGradients()
        let (loss, correct, counted) = try task.loss(of: model, on: batch)
        try loss.backward()
        let value = try loss.item()
        let badParameter = model.namedParameters.first { !($0.parameter.gradient.map(Self.isFinite) ?? true) }?.name
        guard value.isFinite, badParameter == nil else {
            let reason = value.isFinite
                ? "the gradient of parameter '\(badParameter!)' became non-finite (loss \(value))"
                : "the loss became \(value)" + (badParameter.map { "; first parameter with a non-finite gradient: '\($0)'" } ?? "")
            throw TrainingError.diverged(epoch: position.epoch, step: position.globalStep + 1, reason: reason, checkpoint: checkpointDescription)
        }
        optimizer.step()
        position.globalStep += 1
        position.stepInEpoch += 1
        position.lossSum += Double(value)
        position.seen += batch.labels.count
        position.correct += correct
        position.counted += counted
        if configuration.logEvery > 0, position.globalStep % configuration.logEvery == 0 {
            var line = MetricsLine()
            line.add("kind", string: "step")
            line.add("epoch", position.epoch)
            line.add("step", position.globalStep)
            line.add("loss", value)
            line.add("learning_rate", optimizer.learningRates.first ?? 0)
            try folder.appendMetrics(line.json)
        }
    }

    /// Evaluates, records the epoch, writes the model and the checkpoint.
    private func finishEpoch() throws {
        let evaluationStart = Date()
        let test = try evaluate()
        let steps = max(position.stepInEpoch, 1)
        let trainLoss = position.lossSum / Double(steps)
        let trainAccuracy = Double(position.correct) / Double(max(position.counted, 1))
        let rate = position.seconds > 0 ? Double(position.seen) / position.seconds : 0
        var line = MetricsLine()
        line.add("kind", string: "epoch")
        line.add("epoch", position.epoch)
        line.add("step", position.globalStep)
        line.add("train_loss", trainLoss)
        line.add("train_accuracy", trainAccuracy)
        line.add("test_accuracy", test.accuracy)
        for (key, value) in test.details { line.add(key, value) }
        // The rate of the epoch's last step (the optimizer's own is stale right after a resume).
        line.add("learning_rate", schedule.rate(base: optimizer.initialLearningRates.first ?? 0, step: max(position.globalStep - 1, 0)))
        line.add("seconds", (position.seconds * 1000).rounded() / 1000)
        line.add("images_per_second", rate.rounded())
        try folder.appendMetrics(line.json)
        print(String(format: "epoch %d/%d  train loss %.4f  train acc %.2f%%  test acc %.2f%%  %.0f img/s  %@",
                     position.epoch, configuration.epochs, trainLoss, 100 * trainAccuracy, 100 * test.accuracy, rate,
                     ProgressReporter.duration(position.seconds + Date().timeIntervalSince(evaluationStart)))
              + (test.text.isEmpty ? "" : "\n  \(test.text)"))
        position.epoch += 1
        position.stepInEpoch = 0
        (position.lossSum, position.correct, position.counted, position.seen, position.seconds) = (0, 0, 0, 0, 0)
        try folder.writeModel(model)
        try saveCheckpoint()
        // Redrawn every epoch, so a run in progress can be watched.
        _ = try CurvePlot.write(try EpochRecord.read(path: folder.url.appendingPathComponent("metrics.jsonl").path),
                                directory: folder.url.path)
    }

    /// Saves the checkpoint unless a parameter went non-finite (the previous one is then kept).
    func saveCheckpoint() throws {
        if let bad = model.namedParameters.first(where: { !Self.isFinite($0.parameter.value) })?.name {
            throw TrainingError.diverged(epoch: position.epoch, step: position.globalStep,
                                         reason: "parameter '\(bad)' became non-finite", checkpoint: checkpointDescription)
        }
        position.metricsBytes = folder.metricsSize()
        try TrainingCheckpoint.save(to: folder.checkpoint, model: model, optimizer: optimizer, position: position)
        savedPosition = position
    }

    private var checkpointDescription: String {
        FileManager.default.fileExists(atPath: folder.checkpoint.path)
            ? "\(folder.displayPath)/checkpoint.safetensors (epoch \(savedPosition.epoch), step \(savedPosition.globalStep))"
            : "none"
    }

    /// The test metrics, the model in evaluation mode.
    private func evaluate() throws -> TestMetrics {
        model.eval()
        defer { model.train() }
        return try task.test(model, on: testLoader)
    }

    private static func isFinite(_ tensor: Tensor) -> Bool {
        tensor.withUnsafeBufferPointer { values in values.allSatisfy(\.isFinite) }
    }
}

/// Training stopped because the numbers went wrong.
enum TrainingError: Error, CustomStringConvertible {
    case diverged(epoch: Int, step: Int, reason: String, checkpoint: String)

    var description: String {
        switch self {
        case let .diverged(epoch, step, reason, checkpoint):
            return "training stopped at step \(step) (epoch \(epoch)): \(reason). Last good checkpoint kept: \(checkpoint). Try a smaller --lr."
        }
    }
}
