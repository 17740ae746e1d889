// `fovea train`: trains a model on a dataset with SGD, showing progress, and reports test
// accuracy after every epoch. Numerics live in the libraries; this file is the loop and the words.

import ArgumentParser
import Foundation
import Fovea

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a CNN (default: the small CNN on Fashion-MNIST) and report test accuracy after each epoch.")

    @Option(help: "Dataset: fashion-mnist, mnist or shapes (built in, needs no files).")
    var dataset: DatasetName?

    @Option(help: "Directory holding the dataset's IDX files (otherwise $FOVEA_DATA, ~/.cache/fovea/<name>, /usr/share/datasets/<name>).")
    var data: String?

    @Flag(inversion: .prefixedNo, help: "When the dataset is found nowhere, download it into ~/.cache/fovea (checksum-verified).")
    var download = true

    @Option(help: "Passes over the training set.")
    var epochs: Int = 1

    @Option(help: "Images per training step.")
    var batchSize: Int = 64

    @Option(help: "SGD learning rate.")
    var lr: Float = 0.05

    @Option(help: "Learning-rate schedule: cosine (anneal to 0 over the run) or constant.")
    var schedule: ScheduleName = .cosine

    @Option(help: "SGD momentum (0 for plain SGD).")
    var momentum: Float = 0.9

    @Option(help: "Seed for weights and shuffling: the same seed and thread count give the same losses.")
    var seed: UInt64 = 42

    @Option(help: "Threads for the kernels (default: all cores).")
    var threads: Int?

    @Option(help: "Train on only the first N training images (quick runs).")
    var limit: Int?

    func validate() throws {
        guard epochs >= 1 else { throw ValidationError("--epochs \(epochs): must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--batch-size \(batchSize): must be at least 1") }
        guard lr.isFinite, lr > 0 else { throw ValidationError("--lr \(lr): must be a finite number above 0") }
        guard momentum.isFinite, momentum >= 0, momentum < 1 else { throw ValidationError("--momentum \(momentum): must be in [0, 1)") }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): must be at least 1") }
        if let data {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--data \(data): no such directory")
            }
        }
    }

    func run() throws {
        if let threads { Parallel.threadCount = threads }
        GlobalRandom.seed(seed)
        let (train, test, name) = try loadData()
        let trainSet = try limit.map { try train.subset(Array(0..<min($0, train.count))) } ?? train
        let model = try Models.smallCNN(inputChannels: train.channels, inputSize: train.height, classes: train.classNames.count)
        let optimizer = try SGD(parameters: model.parameters, learningRate: lr, momentum: momentum)
        let normalization = train.pixelStatistics()
        let trainLoader = try DataLoader(dataset: trainSet, batchSize: batchSize, shuffle: true, seed: seed, normalization: normalization)
        let testLoader = try DataLoader(dataset: test, batchSize: 1000, shuffle: false, seed: seed, normalization: normalization)
        print("training small CNN (\(model.parameterCount) parameters) on \(name): \(trainSet.count) train, \(test.count) test images, batch \(batchSize), \(Parallel.threadCount) threads")

        let totalSteps = epochs * trainLoader.count
        let learningRateSchedule = try schedule.schedule(totalSteps: max(totalSteps, 1))
        var globalStep = 0
        for epoch in 1...epochs {
            let started = Date()
            model.train()
            let progress = ProgressReporter(epoch: epoch, epochs: epochs, total: trainLoader.count)
            var seen = 0, correct = 0, lossSum = 0.0, steps = 0
            for batch in trainLoader.batches(epoch: epoch - 1) {
                optimizer.learningRate = learningRateSchedule.rate(base: lr, step: globalStep)
                globalStep += 1
                optimizer.zeroGradients()
                let logits = try model(batch.images)
                let loss = try crossEntropy(logits: logits, labels: batch.labels)
                try loss.backward()
                optimizer.step()
                let value = try loss.item()
                guard value.isFinite else {
                    throw TrainingError.diverged(epoch: epoch, step: steps + 1, loss: value)
                }
                lossSum += Double(value); steps += 1
                seen += batch.labels.count
                correct += try correctPredictions(logits: logits, labels: batch.labels)
                progress.update(done: steps, images: seen, loss: lossSum / Double(steps), accuracy: Double(correct) / Double(seen))
            }
            let trainTime = Date().timeIntervalSince(started)
            let testAccuracy = try evaluate(model, testLoader)
            print(String(format: "epoch %d/%d  train loss %.4f  train acc %.2f%%  test acc %.2f%%  %.0f img/s  %@",
                         epoch, epochs, lossSum / Double(max(steps, 1)), 100 * Double(correct) / Double(max(seen, 1)),
                         100 * testAccuracy, Double(seen) / trainTime, ProgressReporter.duration(Date().timeIntervalSince(started))))
        }
    }

    /// Test-set accuracy, without recording gradients.
    private func evaluate(_ model: Sequential, _ loader: DataLoader) throws -> Double {
        model.eval()
        defer { model.train() }
        var correct = 0, total = 0
        try GradientRecording.withoutGradients {
            for batch in loader.batches(epoch: 0) {
                correct += try correctPredictions(logits: model(batch.images), labels: batch.labels)
                total += batch.labels.count
            }
        }
        return total > 0 ? Double(correct) / Double(total) : 0
    }

    /// The named dataset, or Fashion-MNIST with a fallback to `shapes` when nothing was named.
    private func loadData() throws -> (train: ImageDataset, test: ImageDataset, name: String) {
        let chosen = dataset ?? .fashionMNIST
        switch chosen {
        case .shapes:
            return (ImageDataset.shapes(split: .train, count: 10_000, seed: seed), ImageDataset.shapes(split: .test, count: 2_000, seed: seed), "shapes")
        case .fashionMNIST, .mnist:
            let builtIn: BuiltInDataset = chosen == .mnist ? .mnist : .fashionMNIST
            do {
                return (try builtIn.load(split: .train, directory: data, download: download),
                        try builtIn.load(split: .test, directory: data, download: download), builtIn.name)
            } catch let error as DataError {
                guard dataset == nil, data == nil, case .datasetNotFound = error else { throw error }
                print("note: \(error.description); training on the built-in 'shapes' dataset instead")
                return (ImageDataset.shapes(split: .train, count: 10_000, seed: seed), ImageDataset.shapes(split: .test, count: 2_000, seed: seed), "shapes")
            }
        }
    }
}

/// The schedules `--schedule` offers by name.
enum ScheduleName: String, ExpressibleByArgument, CaseIterable {
    case cosine, constant

    /// The schedule for a run of `totalSteps` optimizer steps.
    func schedule(totalSteps: Int) throws -> LearningRateSchedule {
        switch self {
        case .cosine: try .cosine(totalSteps: totalSteps)
        case .constant: .constant
        }
    }
}

/// Datasets `fovea train` knows by name.
enum DatasetName: String, ExpressibleByArgument, CaseIterable {
    case fashionMNIST = "fashion-mnist"
    case mnist
    case shapes
}

/// Training stopped because the numbers went wrong.
enum TrainingError: Error, CustomStringConvertible {
    case diverged(epoch: Int, step: Int, loss: Float)

    var description: String {
        switch self {
        case let .diverged(epoch, step, loss):
            return "the loss became \(loss) at epoch \(epoch), step \(step); try a smaller --lr"
        }
    }
}
