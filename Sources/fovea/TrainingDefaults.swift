// What `fovea train --model M` uses for the options not given: each model gets data it can take
// and a run that finishes in minutes on a laptop's CPU. The small networks train on Fashion-MNIST
// (falling back to `shapes` when it is nowhere); AlexNet and GoogLeNet on `shapes` drawn at 64×64
// and repeated into three channels (AlexNet's maps vanish below 63×63), on a few thousand images;
// the recurrent network labels the pixels of `shapes`.

import Fovea

/// Per-model defaults of `fovea train`.
struct TrainingDefaults {
    var dataset: DatasetName
    var epochs = 1
    var batchSize = 64
    var optimizer: OptimizerName = .sgd
    /// The learning rate for ``optimizer`` (another optimizer gets the general default).
    var learningRate: Float = 0.05
    /// Training images and test images used (nil: all).
    var limit: Int?, testLimit: Int?
    /// Images per forward pass when testing, for every model: larger batches are no faster, and at
    /// 1,000 the small CNN's first activation alone took 100 MB.
    static let testBatchSize = 100
    /// The input channels the model takes (nil: the dataset's own).
    var channels: Int?
    /// The smallest side the model trains well at; smaller datasets are resized up to it.
    var minimumSide: Int?

    init(for model: ZooModel) {
        switch model {
        case .alexNet:
            // From PyTorch's default initialisation, SGD (0.01 or 0.05, momentum 0.9) left AlexNet at
            // chance for the first 40+ steps on shapes; Adam at 3·10⁻⁴ starts learning within 20.
            self.init(dataset: .shapes, epochs: 2, batchSize: 32, optimizer: .adam, learningRate: 0.0003,
                      limit: 4000, testLimit: 1000, channels: 3, minimumSide: 64)
        case .googLeNet:
            self.init(dataset: .shapes, epochs: 2, batchSize: 32, learningRate: 0.05,
                      limit: 4000, testLimit: 1000, channels: 3, minimumSide: 64)
        case .rcn:
            self.init(dataset: .shapes, epochs: 8, batchSize: 32, optimizer: .adam, learningRate: 0.003, limit: 4000, testLimit: 1000)
        default:
            self.init(dataset: .fashionMNIST)
        }
    }

    private init(dataset: DatasetName, epochs: Int = 1, batchSize: Int = 64, optimizer: OptimizerName = .sgd, learningRate: Float = 0.05,
                 limit: Int? = nil, testLimit: Int? = nil, channels: Int? = nil, minimumSide: Int? = nil) {
        (self.dataset, self.epochs, self.batchSize, self.optimizer, self.learningRate) = (dataset, epochs, batchSize, optimizer, learningRate)
        (self.limit, self.testLimit, self.channels, self.minimumSide) = (limit, testLimit, channels, minimumSide)
    }

    /// The default learning rate for `chosen`: this model's when it is the model's optimizer,
    /// else 0.05 for SGD and 0.001 for the adaptive ones.
    func learningRate(for chosen: OptimizerName) -> Float {
        chosen == optimizer ? learningRate : chosen == .sgd ? 0.05 : 0.001
    }

    /// The side images are trained at when none is asked for: the dataset's own, raised to ``minimumSide``.
    func side(native: Int) -> Int { max(native, minimumSide ?? 0) }
}
