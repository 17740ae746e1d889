// Loading a trained model for `fovea evaluate` and `fovea show kernels|features|receptive-field`:
// from a run folder (`runs/NAME/config.json` + `model.safetensors`) or from `--model NAME --weights FILE`.
// Also the test split of the dataset the model was trained on, normalised as training normalised it.

import ArgumentParser
import Foundation
import Fovea

/// Where a trained model comes from: a run folder, or a zoo name and a weights file.
struct ModelSource: ParsableArguments {
    @Argument(help: "A run folder holding config.json and model.safetensors (written by fovea train).")
    var run: String?

    @Option(help: "Zoo model name (small-cnn, lenet5, …) when no run folder is given.")
    var model: String?

    @Option(help: "A safetensors file with the model's weights (default: RUN/model.safetensors).")
    var weights: String?

    @Option(help: "Dataset the model was trained on: fashion-mnist, mnist, shapes or cifar10 (default: the run's, else fashion-mnist).")
    var dataset: String?

    @Option(help: "Directory holding the dataset (otherwise the run's, $FOVEA_DATA, ~/.cache/fovea/<name>, /usr/share/datasets/<name>).")
    var data: String?

    @Option(help: "Seed of the built-in shapes dataset (default: the run's, else 42).")
    var seed: UInt64?
}

/// Datasets a run can name.
enum RunDataset: String, CaseIterable {
    case fashionMNIST = "fashion-mnist", mnist, shapes, cifar10

    static func named(_ name: String) throws -> RunDataset {
        guard let known = RunDataset(rawValue: name) else {
            throw RunError("unknown dataset '\(name)'; known: \(allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return known
    }

    /// Channels, side and classes of its images.
    var geometry: (channels: Int, size: Int, classes: Int) {
        self == .cifar10 ? (3, 32, 10) : (1, 28, 10)
    }

    /// The test split (shapes: the 2,000 images `fovea train` tests on).
    func testSet(data: String?, seed: UInt64) throws -> ImageDataset {
        switch self {
        case .fashionMNIST: return try BuiltInDataset.fashionMNIST.load(split: .test, directory: data)
        case .mnist: return try BuiltInDataset.mnist.load(split: .test, directory: data)
        case .shapes: return ImageDataset.shapes(split: .test, count: DatasetName.shapesTestCount, seed: seed)
        case .cifar10: return try ImageDataset.cifar10(split: .test, directory: data)
        }
    }

    /// The training normalisation when config.json does not record it (folders from before it did):
    /// the published statistics, or for shapes those of the training split `fovea train` generates.
    func normalization(seed: UInt64) -> (mean: Float, std: Float) {
        switch self {
        case .fashionMNIST: return BuiltInDataset.fashionMNIST.normalization
        case .mnist: return BuiltInDataset.mnist.normalization
        case .shapes: return ImageDataset.shapes(split: .train, count: DatasetName.shapesTrainCount, seed: seed).pixelStatistics()
        case .cifar10: return CIFAR10.normalization
        }
    }
}

/// A model with its weights loaded, and what is known about how it was trained.
struct LoadedRun {
    let model: any Layer
    let zoo: ZooModel
    let dataset: RunDataset?
    let data: String?
    let seed: UInt64
    /// The run folder, when the model came from one.
    let folder: String?
    /// `[channels, height, width]` of one input.
    let input: [Int]
    /// `(mean, std)` from config.json's "normalization", if it has one.
    let configNormalization: (mean: Float, std: Float)?

    /// The test split of the training dataset (fashion-mnist when nothing says otherwise).
    func testSet() throws -> ImageDataset { try (dataset ?? .fashionMNIST).testSet(data: data, seed: seed) }

    /// How inputs were normalised in training.
    func normalization() -> (mean: Float, std: Float) {
        configNormalization ?? (dataset ?? .fashionMNIST).normalization(seed: seed)
    }
}

extension ModelSource {
    /// Reads the run folder (if any), builds the model and loads its weights.
    /// - Throws: ``RunError`` for a missing folder, config or weights file or a bad name;
    ///   `CheckpointError` naming the tensor for a corrupt file or weights that do not fit the model.
    func load() throws -> LoadedRun {
        var config: [String: Any] = [:]
        if let run {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: run, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw RunError("\(run): no such run folder")
            }
            let path = (run as NSString).appendingPathComponent("config.json")
            guard let bytes = FileManager.default.contents(atPath: path) else {
                throw RunError("\(path): missing; a run folder holds config.json and model.safetensors (written by fovea train)")
            }
            guard let object = try? JSONSerialization.jsonObject(with: bytes) as? [String: Any] else {
                throw RunError("\(path): not a JSON object")
            }
            config = object
        } else if model == nil || weights == nil {
            throw RunError("give a run folder, or both --model NAME and --weights FILE.safetensors")
        }
        guard let modelName = model ?? config["model"] as? String else {
            throw RunError("\(run ?? "run"): config.json has no \"model\"; pass --model NAME")
        }
        guard let zoo = ZooModel(rawValue: modelName) else {
            throw RunError("unknown model '\(modelName)'; known: \(ZooModel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let datasetName = dataset ?? config["dataset"] as? String
        let known = try datasetName.map(RunDataset.named)
        let seed = self.seed ?? (config["seed"] as? NSNumber).map { $0.uint64Value } ?? 42
        var normalization: (mean: Float, std: Float)?
        if let n = config["normalization"] as? [String: Any], let mean = n["mean"] as? NSNumber, let std = n["std"] as? NSNumber {
            normalization = (mean.floatValue, std.floatValue)
        }
        let weightsPath = weights ?? (run! as NSString).appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsPath) else { throw RunError("\(weightsPath): no such weights file") }

        GlobalRandom.seed(0)  // the initial values are overwritten; fixed only so runs repeat
        let built: any Layer, input: [Int]
        switch (zoo, known?.geometry) {
        case let (.smallCNN, g?):
            built = try Models.smallCNN(inputChannels: g.channels, inputSize: g.size, classes: g.classes)
            input = [g.channels, g.size, g.size]
        case let (.leNet5, g?):
            built = try Models.leNet5(inputChannels: g.channels, classes: g.classes)
            input = [g.channels, 28, 28]  // LeNet-5 is built for 28×28
        default:
            built = try zoo.build()
            input = zoo.defaultInput
        }
        try built.loadStateDict(contentsOf: weightsPath)
        return LoadedRun(model: built, zoo: zoo, dataset: known, data: data ?? config["data"] as? String, seed: seed,
                         folder: run, input: input, configNormalization: normalization)
    }
}

/// Where pictures go: `--out` if given, else the run folder, else `fallback`; created if needed.
func outputDirectory(_ out: String?, run: LoadedRun?, fallback: String) throws -> String {
    let directory = out ?? run?.folder ?? fallback
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    return directory
}

/// `dir/name`.
func joinPath(_ directory: String, _ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
