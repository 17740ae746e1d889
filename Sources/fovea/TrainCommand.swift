// `fovea train`: the options, their validation and the setup of a run (new or resumed). The
// loop is in TrainingLoop.swift, the run folder in RunFolder.swift, checkpoints in
// TrainingCheckpoint.swift.

import ArgumentParser
import Foundation
import Fovea

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a CNN (default: the small CNN on Fashion-MNIST) and report test accuracy after each epoch.",
        discussion: """
            Each run writes a folder (default runs/<time>-<model>-<dataset>) with config.json, metrics.jsonl, \
            model.safetensors (a plain state dict PyTorch loads), checkpoint.safetensors and curves.svg/png. Ctrl-C \
            finishes the current step, saves the checkpoint and exits; `fovea train --resume <folder>` continues bit for bit.

            Defaults per model (any option overrides them):
              small-cnn, lenet5: Fashion-MNIST (shapes when it is nowhere), 1 epoch,
                batch 64, sgd lr 0.05.
              alexnet: shapes drawn 64×64 in 3 channels, the first 4,000 training and
                1,000 test images, 2 epochs, batch 32, adam lr 0.0003 (torchvision's
                AlexNet with 10 outputs).
              googlenet: as alexnet, with sgd lr 0.05 (torchvision's GoogLeNet
                without auxiliary heads).
              rcn: shapes with a label per pixel (background + 10 glyphs), 4,000 /
                1,000 images, 8 epochs, batch 32, adam lr 0.003; pixel accuracy
                after T = 1, 2, 3.
            Grey images are repeated into the 3 channels AlexNet and GoogLeNet take,
            and images smaller than 64×64 are enlarged for them (bilinear): AlexNet's
            maps vanish below 63×63.
            """)

    @Option(help: "A named set of settings: fashion-best (the small VGG with batch norm and dropout, SGD with weight decay, cosine schedule, 10 epochs: ≥ 93 % on Fashion-MNIST in under 15 minutes on 2 cores). Options given with it override its values.")
    var recipe: RecipeName?

    @Option(help: "Model: small-cnn (default), small-vgg, lenet5, alexnet, googlenet or rcn.")
    var model: String?

    @Option(help: "Dataset: fashion-mnist, mnist, cifar10 or shapes (built in, needs no files); default: fashion-mnist for the small CNNs, shapes for the others.")
    var dataset: DatasetName?

    @Option(help: "Directory holding the dataset's files (otherwise $FOVEA_DATA, ~/.cache/fovea/<name>, /usr/share/datasets/<name>).")
    var data: String?

    @Option(help: "Train on N×N images: shapes are drawn at that size, other datasets resized (bilinear) (default: the dataset's own, at least 64 for alexnet and googlenet).")
    var imageSize: Int?

    @Flag(inversion: .prefixedNo, help: "When the dataset is found nowhere, download it into ~/.cache/fovea (checksum-verified).")
    var download = true

    @Flag(inversion: .prefixedNo, help: "Augment the training images: a random crop of the image padded by --crop-padding zero pixels, and a horizontal flip of half of them (default: off).")
    var augment: Bool?

    @Option(help: "Padding of --augment's random crop (default 2 for images up to 28 pixels, 4 for larger ones, as for CIFAR-10).")
    var cropPadding: Int?

    @Option(help: "Passes over the training set (default 1; alexnet, googlenet 2; rcn 8).")
    var epochs: Int?

    @Option(help: "Images per training step (default 64; 32 for alexnet, googlenet, rcn).")
    var batchSize: Int?

    @Option(help: "Optimizer: sgd (default; adam for alexnet and rcn), adam, adamw or rmsprop.")
    var optimizer: OptimizerName?

    @Option(help: "Learning rate (default 0.05 for sgd, 0.001 otherwise; alexnet 0.0003, rcn 0.003).")
    var lr: Float?

    @Option(help: "Learning-rate schedule: cosine (default; anneal to 0 over the run) or constant.")
    var schedule: ScheduleName?

    @Option(help: "Momentum of sgd and rmsprop (default 0.9 for sgd, 0 for rmsprop; 0 for none).")
    var momentum: Float?

    @Option(help: "Weight decay (default 0; decoupled for adamw); biases and normalisation weights get none.")
    var weightDecay: Float?

    @Option(help: "Seed for weights and shuffling: the same seed and thread count give the same losses (default 42).")
    var seed: UInt64?

    @Option(help: "Threads for the kernels (default: all cores).")
    var threads: Int?

    @Option(help: "Train on only the first N training images (default: all; 4000 for alexnet, googlenet, rcn).")
    var limit: Int?

    @Option(help: "Test on only the first N test images (default: all; 1000 for alexnet, googlenet, rcn).")
    var testLimit: Int?

    @Option(help: "Also log the loss to metrics.jsonl every N steps (default 50; 0 for epochs only).")
    var logEvery: Int?

    @Option(help: "Parent folder of run folders.")
    var out: String = "runs"

    @Option(help: "Name of this run's folder (default <yyyyMMdd-HHmmss>-<model>-<dataset>).")
    var name: String?

    @Option(help: "Continue the run in this folder from its checkpoint, with its saved settings (only --data and --no-download may be given too).")
    var resume: String?

    @Flag(help: .hidden)
    var debugSaveLoop = false

    /// Hidden test helper: behave as if Ctrl-C arrived once the run has taken this many steps.
    @Option(help: .hidden)
    var debugStopAfterSteps: Int?

    func validate() throws {
        if let model {
            guard let zoo = ZooModel(rawValue: model) else {
                throw ValidationError("--model \(model): unknown; trainable models are \(Self.trainableList) (zoo: \(ZooModel.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard TrainingConfiguration.trainableModels.contains(zoo) else {
                throw ValidationError("--model \(model): fovea train cannot train it yet; trainable models are \(Self.trainableList)")
            }
        }
        if let epochs, epochs < 1 { throw ValidationError("--epochs \(epochs): must be at least 1") }
        if let batchSize, batchSize < 1 { throw ValidationError("--batch-size \(batchSize): must be at least 1") }
        if let lr { guard lr.isFinite, lr > 0 else { throw ValidationError("--lr \(lr): must be a finite number above 0") } }
        if let momentum { guard momentum.isFinite, momentum >= 0, momentum < 1 else { throw ValidationError("--momentum \(momentum): must be in [0, 1)") } }
        if let weightDecay { guard weightDecay.isFinite, weightDecay >= 0 else { throw ValidationError("--weight-decay \(weightDecay): must be a finite number ≥ 0") } }
        if momentum != nil, let optimizer, optimizer == .adam || optimizer == .adamw {
            throw ValidationError("--momentum: \(optimizer.rawValue) has no momentum setting (its betas are fixed at 0.9, 0.999)")
        }
        if let threads, threads < 1 { throw ValidationError("--threads \(threads): must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit \(limit): must be at least 1") }
        if let testLimit, testLimit < 1 { throw ValidationError("--test-limit \(testLimit): must be at least 1") }
        if let imageSize, imageSize < 1 { throw ValidationError("--image-size \(imageSize): must be at least 1") }
        if let cropPadding, cropPadding < 0 { throw ValidationError("--crop-padding \(cropPadding): must be 0 or more") }
        if cropPadding != nil, augment != true, recipe?.recipe.augment != true {
            throw ValidationError("--crop-padding: only with --augment")
        }
        if let logEvery, logEvery < 0 { throw ValidationError("--log-every \(logEvery): must be 0 or more") }
        if let name, name.isEmpty || name.contains("/") || name == "." || name == ".." {
            throw ValidationError("--name \(name): must be a plain folder name")
        }
        if let data {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: data, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--data \(data): no such directory")
            }
        }
        if resume != nil {
            let given: [(String, Bool)] = [("--model", model != nil), ("--dataset", dataset != nil), ("--epochs", epochs != nil),
                                           ("--batch-size", batchSize != nil), ("--optimizer", optimizer != nil), ("--lr", lr != nil),
                                           ("--schedule", schedule != nil), ("--momentum", momentum != nil), ("--weight-decay", weightDecay != nil),
                                           ("--seed", seed != nil), ("--threads", threads != nil), ("--limit", limit != nil),
                                           ("--test-limit", testLimit != nil), ("--image-size", imageSize != nil),
                                           ("--recipe", recipe != nil), ("--augment", augment != nil), ("--crop-padding", cropPadding != nil),
                                           ("--log-every", logEvery != nil), ("--name", name != nil), ("--out", out != "runs")]
            if let option = given.first(where: \.1)?.0 {
                throw ValidationError("--resume continues a run with the settings in its config.json; \(option) cannot be changed")
            }
        }
    }

    private static var trainableList: String { TrainingConfiguration.trainableModels.map(\.rawValue).joined(separator: ", ") }

    func run() throws {
        if debugSaveLoop { return try debugSaveForever() }
        let interrupt = InterruptSignal()
        let (configuration, resumed, train, test) = try prepare()
        Parallel.threadCount = configuration.threads
        GlobalRandom.seed(configuration.seed)
        let (channels, side) = (configuration.input[0], configuration.input[1])
        let trainSet = try train.prefix(configuration.limit).converted(channels: channels, side: side)
        let testSet = try test.prefix(configuration.testLimit).converted(channels: channels, side: side)
        let task: any TrainingTask
        if let trainMasks = trainSet.masks, let testMasks = testSet.masks {
            task = PixelLabelling(train: trainMasks, test: testMasks)
        } else {
            task = ImageClassification(classCount: trainSet.images.classNames.count)
        }
        let model = try configuration.buildModel(classes: trainSet.masks?.classNames.count ?? trainSet.images.classNames.count)
        let optimizer = try configuration.buildOptimizer(for: model)
        // A new run's folder is made only once everything it needs has been checked.
        let folder = try resumed ?? RunFolder.create(parent: out, name: name, model: configuration.model, dataset: configuration.dataset)
        let resuming = resumed != nil
        let normalization = configuration.normalization.map { ($0.mean, $0.std) } ?? train.images.pixelStatistics()
        let trainLoader = try DataLoader(dataset: trainSet.images, batchSize: configuration.batchSize, shuffle: true, seed: configuration.seed,
                                         normalization: normalization, augmentation: configuration.augmentation?.augmentation)
        let testLoader = try DataLoader(dataset: testSet.images, batchSize: TrainingDefaults.testBatchSize,
                                        shuffle: false, seed: configuration.seed, normalization: normalization)
        var position = TrainingPosition()
        if resuming {
            position = try TrainingCheckpoint.load(from: folder.checkpoint, model: model, optimizer: optimizer)
            try folder.truncateMetrics(to: position.metricsBytes)
            folder.removeStaleTemporaryFiles()
            guard position.epoch <= configuration.epochs else {
                print("\(folder.displayPath) finished all \(configuration.epochs) epochs already; nothing to resume")
                return
            }
            print("resuming \(folder.displayPath) at epoch \(position.epoch), step \(position.stepInEpoch) of \(trainLoader.count)")
        } else {
            try configuration.write(to: folder.configuration)
        }
        print("training \(configuration.model) (\(model.parameterCount) parameters) with \(configuration.optimizer) on \(configuration.dataset) "
              + "(\(configuration.input.map(String.init).joined(separator: "×"))): \(trainSet.count) train, \(testSet.count) test images, "
              + "batch \(configuration.batchSize), \(configuration.threads) threads → \(folder.displayPath)")
        let loop = try TrainingLoop(configuration: configuration, folder: folder, model: model, optimizer: optimizer, task: task,
                                    trainLoader: trainLoader, testLoader: testLoader, position: position, interrupt: interrupt)
        loop.stopAfterSteps = debugStopAfterSteps
        if !resuming { try loop.saveCheckpoint() }
        interrupt.install()
        switch try loop.run() {
        case .finished:
            print("done: \(folder.displayPath)/model.safetensors")
        case .interrupted:
            print("interrupted at epoch \(loop.position.epoch), step \(loop.position.stepInEpoch) of \(trainLoader.count); checkpoint saved.")
            print("continue with: fovea train --resume \(folder.displayPath)")
        }
    }

    /// The resolved configuration and the data as stored, for a new run or a resumed one (then also its folder).
    private func prepare() throws -> (TrainingConfiguration, resumed: RunFolder?, LabelledImages, LabelledImages) {
        if let resume {
            let folder = RunFolder(path: resume)
            guard FileManager.default.fileExists(atPath: folder.checkpoint.path) else {
                throw RunError("--resume \(resume): no checkpoint.safetensors there")
            }
            let configuration = try TrainingConfiguration.read(from: folder.configuration)
            let (train, test) = try loadData(configuration.datasetName, named: true, directory: data ?? configuration.dataDirectory,
                                             seed: configuration.seed, side: configuration.input[1], model: configuration.zooModel)
            return (configuration, folder, train, test)
        }
        try RunFolder.checkNew(parent: out, name: name)
        let recipe = self.recipe?.recipe
        let zoo = model.flatMap(ZooModel.init(rawValue:)) ?? recipe?.model ?? .smallCNN  // checked in validate()
        let defaults = TrainingDefaults(for: zoo)
        let chosenOptimizer = optimizer ?? recipe?.optimizer ?? defaults.optimizer
        let seed = seed ?? 42
        let dataset = self.dataset ?? recipe?.dataset
        var datasetName = dataset ?? defaults.dataset
        let (train, test): (LabelledImages, LabelledImages)
        do {
            (train, test) = try loadData(datasetName, named: dataset != nil || data != nil, directory: data, seed: seed,
                                         side: imageSize ?? defaults.side(native: datasetName.geometry.side), model: zoo)
        } catch let fallback as FallBackToShapes {
            print("note: \(fallback.reason); training on the built-in 'shapes' dataset instead")
            datasetName = .shapes
            (train, test) = try loadData(.shapes, named: true, directory: nil, seed: seed,
                                         side: imageSize ?? defaults.side(native: DatasetName.shapes.geometry.side), model: zoo)
        }
        let chosenSchedule: ScheduleName = schedule ?? recipe?.schedule ?? .cosine
        let normalization = TrainingConfiguration.Normalization(train.images.pixelStatistics())
        var configuration = TrainingConfiguration(
            model: zoo.rawValue, dataset: datasetName.rawValue, dataDirectory: data, epochs: epochs ?? recipe?.epochs ?? defaults.epochs,
            batchSize: batchSize ?? recipe?.batchSize ?? defaults.batchSize, optimizer: chosenOptimizer.rawValue,
            learningRate: lr ?? (chosenOptimizer == recipe?.optimizer ? recipe?.learningRate : nil) ?? defaults.learningRate(for: chosenOptimizer),
            momentum: momentum ?? (chosenOptimizer == recipe?.optimizer ? recipe?.momentum : nil) ?? 0,
            weightDecay: weightDecay ?? recipe?.weightDecay ?? 0,
            schedule: chosenSchedule.rawValue, seed: seed, threads: threads ?? Parallel.threadCount, limit: limit ?? defaults.limit,
            logEvery: logEvery ?? 50, normalization: normalization)
        if momentum == nil, recipe?.optimizer != chosenOptimizer, chosenOptimizer == .sgd { configuration.momentum = 0.9 }
        configuration.testLimit = testLimit ?? defaults.testLimit
        configuration.channels = defaults.channels ?? train.images.channels
        configuration.imageSize = imageSize ?? defaults.side(native: train.images.height)
        if augment ?? recipe?.augment ?? false {
            let side = configuration.imageSize ?? train.images.height
            configuration.augmentation = TrainingConfiguration.AugmentationSettings(cropPadding: cropPadding ?? (side > 28 ? 4 : 2), horizontalFlip: true)
        }
        return (configuration, nil, train, test)
    }

    private struct FallBackToShapes: Error { let reason: String }

    /// The train and test splits as stored (`shapes` drawn `side` pixels square, with pixel labels
    /// for a model that labels pixels); Fashion-MNIST that cannot be found, when nothing was named,
    /// falls back to `shapes`.
    private func loadData(_ name: DatasetName, named: Bool, directory: String?, seed: UInt64, side: Int,
                          model: ZooModel) throws -> (LabelledImages, LabelledImages) {
        do {
            let load = { (split: DatasetSplit) in
                try name.load(split, directory: directory, download: download, seed: seed, side: side, pixelLabels: model.labelsPixels)
            }
            return (try load(.train), try load(.test))
        } catch let error as DataError {
            guard !named, case .datasetNotFound = error else { throw error }
            throw FallBackToShapes(reason: error.description)
        }
    }

    /// Hidden test helper (`--debug-save-loop`): saves the checkpoint of `--out/--name` over and
    /// over, every parameter set to the save's number (also in the metadata as `global_step`), so
    /// a test can kill it mid-save and check the file on disk is always one whole save.
    private func debugSaveForever() throws {
        let folder = RunFolder(path: (out as NSString).appendingPathComponent(name ?? "save-loop"))
        try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true)
        GlobalRandom.seed(seed ?? 42)
        let model = try Models.smallCNN()
        let optimizer = try SGD(parameters: model.parameters, learningRate: 0.1)
        var position = TrainingPosition()
        while true {
            position.globalStep += 1
            let value = Float(position.globalStep)
            for parameter in model.parameters { parameter.update { $0.update(repeating: value) } }
            try TrainingCheckpoint.save(to: folder.checkpoint, model: model, optimizer: optimizer, position: position)
            print("saved \(position.globalStep)")
            fflush(nil)
        }
    }
}
