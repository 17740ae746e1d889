// The resolved settings of one `fovea train` run: what `config.json` records and what
// `--resume` reads back, so a resumed run trains exactly as the original would have.

import ArgumentParser
import Foundation
import Fovea

/// Every setting a run depends on, after defaults and fallbacks are resolved.
struct TrainingConfiguration: Codable, Equatable {
    var model: String
    var dataset: String
    var dataDirectory: String?
    var epochs: Int
    var batchSize: Int
    var optimizer: String
    var learningRate: Float
    var momentum: Float
    var weightDecay: Float
    var schedule: String
    var seed: UInt64
    var threads: Int
    var limit: Int?
    var logEvery: Int
    /// Test images used (nil: the whole test split).
    var testLimit: Int? = nil
    /// Channels and side of the images the model trains on, after conversion (nil in folders
    /// written before they were recorded: the dataset's own).
    var channels: Int? = nil
    var imageSize: Int? = nil
    /// Random crops and flips of the training images (nil: none; also in folders written before
    /// `--augment` existed).
    var augmentation: AugmentationSettings? = nil
    /// The input normalisation the run trains with (the training set's pixel statistics), so that
    /// evaluation uses exactly the same; nil in folders written before it was recorded.
    var normalization: Normalization? = nil

    /// `--augment`: a random crop of the image padded by `cropPadding` zero pixels, and a
    /// horizontal flip of half the images when `horizontalFlip`.
    struct AugmentationSettings: Codable, Equatable {
        var cropPadding: Int
        var horizontalFlip: Bool
        var augmentation: Augmentation { get throws { try Augmentation(cropPadding: cropPadding, horizontalFlip: horizontalFlip) } }
    }

    /// `(x − mean) / std` applied to pixels scaled to 0…1.
    struct Normalization: Codable, Equatable {
        var mean: Float
        var std: Float
        init(_ statistics: (mean: Float, std: Float)) { (mean, std) = statistics }
    }

    /// The parsed model name (checked when the configuration was made or read).
    var zooModel: ZooModel { ZooModel(rawValue: model)! }

    /// Models `fovea train` can train.
    static let trainableModels: [ZooModel] = [.smallCNN, .smallVGG, .leNet5, .alexNet, .googLeNet, .rcn]

    /// The parsed dataset name (checked when the configuration was made or read).
    var datasetName: DatasetName { DatasetName(rawValue: dataset)! }

    /// `[channels, side, side]` of one training image as the model sees it.
    var input: [Int] {
        let native = datasetName.geometry
        return [channels ?? native.channels, imageSize ?? native.side, imageSize ?? native.side]
    }

    /// The model for this run's input and `classes` outputs, checked to take that input.
    /// - Throws: ``RunError`` naming the layer where the maps vanish for an input too small, or
    ///   what the model takes when the input does not fit it at all.
    func buildModel(classes: Int) throws -> any Layer {
        let model: any Layer
        do { model = try zooModel.build(input: input, classes: classes) } catch let error as TensorError {
            throw RunError("\(error) (--image-size N resizes the training images to N×N)")
        }
        do { _ = try model.summary(input: [1] + input) } catch let error as SummaryError {
            throw RunError("\(self.model) cannot take \(input.map(String.init).joined(separator: "×")) images: layer '\(error.layer)' "
                           + "(\(error.type)) cannot take its input \(error.inputShape); use a larger --image-size")
        }
        return model
    }

    /// The optimizer over `model`'s parameters; weight decay skips biases and normalisation weights.
    func buildOptimizer(for model: any Layer) throws -> any StatefulOptimizer & GroupedOptimizer {
        let groups = model.weightDecayGroups(weightDecay: weightDecay)
        switch OptimizerName(rawValue: optimizer)! {
        case .sgd: return try SGD(groups: groups, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        case .adam: return try Adam(groups: groups, learningRate: learningRate, weightDecay: weightDecay)
        case .adamw: return try AdamW(groups: groups, learningRate: learningRate, weightDecay: weightDecay)
        case .rmsprop: return try RMSprop(groups: groups, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        }
    }

    /// Reads `config.json` of a run folder, refusing values `fovea train` would not accept.
    static func read(from url: URL) throws -> TrainingConfiguration {
        let configuration: TrainingConfiguration
        do {
            configuration = try JSONDecoder().decode(TrainingConfiguration.self, from: Data(contentsOf: url))
        } catch {
            throw RunError("\(url.path): not a fovea training configuration (\(error.localizedDescription))")
        }
        guard let model = ZooModel(rawValue: configuration.model), trainableModels.contains(model),
              OptimizerName(rawValue: configuration.optimizer) != nil, ScheduleName(rawValue: configuration.schedule) != nil,
              DatasetName(rawValue: configuration.dataset) != nil, configuration.epochs >= 1, configuration.batchSize >= 1,
              configuration.threads >= 1, configuration.logEvery >= 0, (configuration.testLimit ?? 1) >= 1,
              [1, 3].contains(configuration.channels ?? 1), (configuration.imageSize ?? 1) >= 1,
              (configuration.augmentation?.cropPadding ?? 0) >= 0 else {
            throw RunError("\(url.path): a setting is not one fovea train accepts")
        }
        return configuration
    }

    /// Writes the configuration as pretty, sorted JSON.
    func write(to url: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: url, options: .atomic)
    }
}

/// The optimizers `--optimizer` offers by name.
enum OptimizerName: String, ExpressibleByArgument, CaseIterable {
    case sgd, adam, adamw, rmsprop
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

/// A run that cannot start or continue (existing folder, unreadable configuration or
/// checkpoint): one line, no usage text.
struct RunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
