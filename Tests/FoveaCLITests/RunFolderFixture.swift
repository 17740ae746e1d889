// A run folder as `fovea train` will write it (config.json, model.safetensors, metrics.jsonl),
// made in-process: a small CNN trained a few steps on the built-in shapes dataset.

import Foundation
import Fovea

/// Writes `dir/config.json` and `dir/model.safetensors` for `model` trained `steps` SGD steps on shapes.
func makeShapesRun(in dir: URL, steps: Int = 6, model name: String = "small-cnn") throws {
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    GlobalRandom.seed(7)
    let model: any Layer = name == "lenet5" ? try Models.leNet5() : try Models.smallCNN()
    let train = ImageDataset.shapes(split: .train, count: 256, seed: 7)
    let loader = try DataLoader(dataset: train, batchSize: 32, shuffle: true, seed: 7, normalization: train.pixelStatistics())
    let sgd = try SGD(parameters: model.parameters, learningRate: 0.05, momentum: 0.9)
    var step = 0
    for batch in loader.batches(epoch: 0) where step < steps {
        sgd.zeroGradients()
        try crossEntropy(logits: model(batch.images), labels: batch.labels).backward()
        sgd.step()
        step += 1
    }
    try model.saveStateDict(to: dir.appendingPathComponent("model.safetensors").path)
    let config = #"{"model": "\#(name)", "dataset": "shapes", "seed": 7}"#
    try Data(config.utf8).write(to: dir.appendingPathComponent("config.json"))
}

/// The PNG at `url`.
func readPNG(_ url: URL) throws -> PNGImage { try PNGImage.read(path: url.path) }

/// `metrics.jsonl` of a run folder without the wall-clock fields, which differ between runs.
func metricsWithoutTimes(_ run: URL) throws -> [String] {
    let text = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
    return text.split(separator: "\n").map { line in
        line.replacingOccurrences(of: #","seconds":[^,}]*"#, with: "", options: .regularExpression)
            .replacingOccurrences(of: #","images_per_second":[^,}]*"#, with: "", options: .regularExpression)
    }
}
