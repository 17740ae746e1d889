// Loading a trained model for `fovea evaluate` and `fovea show kernels|features|receptive-field`:
// from a run folder (`runs/NAME/config.json` + `model.safetensors`) or from `--model NAME --weights FILE`.
// Also the test split of the dataset the model was trained on, converted and normalised as training
// did, and how a single image file becomes the model's input.

import ArgumentParser
import Foundation
import Fovea

/// Where a trained model comes from: a run folder, or a zoo name and a weights file.
struct ModelSource: ParsableArguments {
    @Argument(help: "A run folder holding config.json and model.safetensors (written by fovea train); for evaluate with --model, an image to classify.")
    var run: String?

    @Option(help: "Zoo model name when no run folder is given: \(ZooModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String?

    @Option(help: "A safetensors file with the model's weights (default: RUN/model.safetensors).")
    var weights: String?

    @Option(help: "Dataset the model was trained on: fashion-mnist, mnist, shapes or cifar10 (default: the run's; else ImageNet's classes for alexnet and googlenet, the model's fovea train default for the others).")
    var dataset: String?

    @Option(help: "Directory holding the dataset (otherwise the run's, $FOVEA_DATA, ~/.cache/fovea/<name>, /usr/share/datasets/<name>).")
    var data: String?

    @Option(help: "Seed of the built-in shapes dataset (default: the run's, else 42).")
    var seed: UInt64?
}

/// A model with its weights loaded, and what is known about how it was trained.
struct LoadedRun {
    let model: any Layer
    let zoo: ZooModel
    /// The dataset the model was trained on; nil for ImageNet weights (`--model alexnet|googlenet`
    /// without a run folder or `--dataset`), for which Fovea has no test set.
    let dataset: DatasetName?
    let data: String?
    let seed: UInt64
    /// The run folder, when the model came from one.
    let folder: String?
    /// `[channels, height, width]` of one input.
    let input: [Int]
    /// What the model's outputs name, by index: classes, or pixel classes for `rcn`.
    let classNames: [String]
    /// `(mean, std)` from config.json's "normalization", if it has one.
    let configNormalization: (mean: Float, std: Float)?

    /// The first `limit` test images (all when nil) as the model takes them (channels, side),
    /// with pixel labels for a pixel-labelling model.
    /// - Throws: ``RunError`` for ImageNet weights; `DataError` when the files are missing or damaged.
    func testSet(limit: Int? = nil) throws -> LabelledImages {
        guard let dataset else {
            throw RunError("\(zoo.rawValue) has ImageNet's 1000 classes and Fovea has no ImageNet test set: classify an image "
                           + "(fovea evaluate --model \(zoo.rawValue) --weights FILE IMAGE.png) or name the dataset with --dataset")
        }
        let test = try dataset.load(.test, directory: data, seed: seed, side: input[1], pixelLabels: zoo.labelsPixels)
        return try test.prefix(limit).converted(channels: input[0], side: input[1])
    }

    /// How inputs were normalised in training (ImageNet weights: see ``imagePreprocessing``).
    func normalization() -> (mean: Float, std: Float) {
        configNormalization ?? (dataset ?? .fashionMNIST).normalization(seed: seed)
    }

    /// How one image file becomes the model's input: torchvision's ImageNet transform for ImageNet
    /// weights; otherwise the training images' channels, the shorter side resized to the training
    /// side, the centre square, and the training normalisation.
    func imagePreprocessing() -> ImagePreprocessing {
        guard dataset != nil else { return .imageNet }
        let n = normalization()
        return ImagePreprocessing(channels: input[0], resizeShorterSide: input[1], cropSize: input[1], mean: [n.mean], std: [n.std])
    }
}

extension ModelSource {
    /// The positional argument when it is an image rather than a run folder: with `--model`
    /// given, anything that is not a directory (`fovea evaluate --model alexnet --weights W IMAGE.png`).
    var positionalImage: String? {
        guard let run, model != nil else { return nil }
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: run, isDirectory: &isDirectory) && isDirectory.boolValue ? nil : run
    }

    /// Reads the run folder (if any), builds the model for its input and classes and loads its weights.
    /// - Parameter imageArgument: whether the positional argument may be an image (``positionalImage``)
    ///   instead of a run folder.
    /// - Throws: ``RunError`` for a missing folder, config or weights file or a bad name;
    ///   `CheckpointError` naming the tensor for a corrupt file or weights that do not fit the model.
    func load(imageArgument: Bool = false) throws -> LoadedRun {
        let run = imageArgument && positionalImage != nil ? nil : self.run
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
        let defaults = TrainingDefaults(for: zoo)
        // No dataset named: ImageNet for the ImageNet networks, else the model's training default.
        let known = try (dataset ?? config["dataset"] as? String).map(DatasetName.named)
            ?? (zoo.defaultClasses == 1000 ? nil : defaults.dataset)
        let seed = self.seed ?? (config["seed"] as? NSNumber).map { $0.uint64Value } ?? 42
        var normalization: (mean: Float, std: Float)?
        if let n = config["normalization"] as? [String: Any], let mean = n["mean"] as? NSNumber, let std = n["std"] as? NSNumber {
            normalization = (mean.floatValue, std.floatValue)
        }
        let weightsPath = weights ?? (run! as NSString).appendingPathComponent("model.safetensors")
        guard FileManager.default.fileExists(atPath: weightsPath) else { throw RunError("\(weightsPath): no such weights file") }

        let input: [Int], classNames: [String]
        if let known {
            let number = { (key: String) in (config[key] as? NSNumber)?.intValue }
            let side = number("imageSize") ?? defaults.side(native: known.geometry.side)
            input = [number("channels") ?? defaults.channels ?? known.geometry.channels, side, side]
            classNames = known.classNames(pixelLabels: zoo.labelsPixels)
        } else {
            (input, classNames) = (zoo.defaultInput, ImageNet.classNames)
        }
        GlobalRandom.seed(0)  // the initial values are overwritten; fixed only so runs repeat
        let built = try zoo.build(input: input, classes: classNames.count)
        try built.loadStateDict(contentsOf: weightsPath)
        return LoadedRun(model: built, zoo: zoo, dataset: known, data: data ?? config["dataDirectory"] as? String, seed: seed,
                         folder: run, input: input, classNames: classNames, configNormalization: normalization)
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
