// The zoo by name, for the command line (`fovea summary NAME`, `fovea train --model NAME`).

/// Every model the command line can build, with its default input (channels × height × width).
public enum ZooModel: String, CaseIterable, Sendable {
    case smallCNN = "small-cnn"

    /// The model, freshly initialised from the global generator.
    public func build() throws -> any Layer {
        switch self {
        case .smallCNN: return try Models.smallCNN()
        }
    }

    /// The input the model was designed for, without the batch dimension.
    public var defaultInput: [Int] {
        switch self {
        case .smallCNN: return [1, 28, 28]
        }
    }
}
