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
    /// The input normalisation the run trains with (the training set's pixel statistics), so that
    /// evaluation uses exactly the same; nil in folders written before it was recorded.
    var normalization: Normalization? = nil

    /// `(x − mean) / std` applied to pixels scaled to 0…1.
    struct Normalization: Codable, Equatable {
        var mean: Float
        var std: Float
        init(_ statistics: (mean: Float, std: Float)) { (mean, std) = statistics }
    }

    /// The parsed model name (checked when the configuration was made or read).
    var zooModel: ZooModel { ZooModel(rawValue: model)! }

    /// Models `fovea train` can train today.
    static let trainableModels: [ZooModel] = [.smallCNN, .leNet5]

    /// The model, built for `dataset`'s image size and classes.
    func buildModel(for dataset: ImageDataset) throws -> any Layer {
        switch zooModel {
        case .leNet5:
            guard dataset.height == 28, dataset.width == 28 else {
                throw RunError("lenet5 takes 28×28 images; \(self.dataset) has \(dataset.height)×\(dataset.width)")
            }
            return try Models.leNet5(inputChannels: dataset.channels, classes: dataset.classNames.count)
        default:
            return try Models.smallCNN(inputChannels: dataset.channels, inputSize: dataset.height, classes: dataset.classNames.count)
        }
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
              configuration.threads >= 1, configuration.logEvery >= 0 else {
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

/// Datasets `fovea train` knows by name.
enum DatasetName: String, ExpressibleByArgument, CaseIterable {
    case fashionMNIST = "fashion-mnist"
    case mnist
    case shapes

    /// The sizes of the built-in `shapes` splits that `fovea train` generates (and evaluation regenerates).
    static let shapesTrainCount = 10_000, shapesTestCount = 2_000
}

/// A run that cannot start or continue (existing folder, unreadable configuration or
/// checkpoint): one line, no usage text.
struct RunError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
