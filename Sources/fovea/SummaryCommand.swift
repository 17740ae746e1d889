// `fovea summary MODEL`: the layer table of a zoo model (parameters, multiply-adds, receptive
// field and jump per layer, totals).

import ArgumentParser
import Fovea

struct Summary: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a model's layer table: output shapes, parameters, multiply-adds, receptive field and jump.")

    @Argument(help: "The model: \(ZooModel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: String

    @Option(help: "Input size as CxHxW (default: the model's own, e.g. 1x28x28); the model is built for it (the small CNN's classifier, the paper AlexNet's).")
    var input: String?

    @Flag(help: "Build GoogLeNet with its two auxiliary classifiers (their parameters count; their rows, training-only, are not listed).")
    var aux = false

    func validate() throws {
        guard ZooModel(rawValue: model) != nil else {
            throw ValidationError("unknown model '\(model)'; known: \(ZooModel.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let input { _ = try Self.parseInput(input) }
    }

    func run() throws {
        let zoo = ZooModel(rawValue: model)!  // checked in validate()
        let shape = try input.map(Self.parseInput) ?? zoo.defaultInput
        let layer = try zoo.build(input: shape, auxiliaryHeads: aux)
        print(try layer.summary(input: [1] + shape))
    }

    /// "3x224x224" → [3, 224, 224].
    static func parseInput(_ text: String) throws -> [Int] {
        let parts = text.lowercased().split(separator: "x").map { Int($0) }
        guard (2...4).contains(parts.count), parts.allSatisfy({ ($0 ?? 0) >= 1 }) else {
            throw ValidationError("--input \(text): expected CxHxW with positive sizes, e.g. 3x224x224")
        }
        return parts.map { $0! }
    }
}
