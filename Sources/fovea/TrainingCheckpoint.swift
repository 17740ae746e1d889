// `checkpoint.safetensors`: everything a run needs to continue bit for bit — the model's
// parameters and buffers (`model.<name>`), the optimizer's state (`optimizer.<index>.<buffer>`),
// and in the metadata the position (epoch, step within it, global step, which also fixes the
// schedule and the data order), the running epoch sums and the random-number generators
// (global and each dropout layer's). Written atomically, so a crash keeps the previous one.

import Foundation
import Fovea

/// Where a run stands: saved with a checkpoint and restored on resume.
struct TrainingPosition: Equatable {
    /// The epoch in progress (1-based); `epochs + 1` when the run is complete.
    var epoch = 1
    /// Steps already taken in `epoch` (the data order is fixed by seed and epoch, so this is
    /// also the position in the data).
    var stepInEpoch = 0
    /// Optimizer steps taken in the whole run (the schedule's position).
    var globalStep = 0
    /// Running sums of the epoch in progress: loss, right predictions out of `counted` (images,
    /// or pixels for pixel labelling), images seen.
    var lossSum = 0.0, correct = 0, counted = 0, seen = 0
    /// Training seconds spent in the epoch in progress.
    var seconds = 0.0
    /// The length of `metrics.jsonl` when this position was saved.
    var metricsBytes: UInt64 = 0
}

enum TrainingCheckpoint {
    static let format = "fovea-training-checkpoint-1"

    /// Every dropout layer with its dotted path (`"classifier.2"`), in model order.
    static func dropoutLayers(_ layer: any Layer, prefix: String = "") -> [(name: String, layer: Dropout)] {
        var result: [(name: String, layer: Dropout)] = []
        if let dropout = layer as? Dropout { result.append((prefix, dropout)) }
        for (name, child) in layer.children {
            result += dropoutLayers(child, prefix: prefix.isEmpty ? name : "\(prefix).\(name)")
        }
        return result
    }

    /// Saves the state atomically to `url`.
    static func save(to url: URL, model: any Layer, optimizer: any StatefulOptimizer, position: TrainingPosition) throws {
        var tensors: [String: Tensor] = [:]
        for (name, tensor) in model.stateDict() { tensors["model.\(name)"] = tensor }
        for (name, tensor) in optimizer.stateTensors() { tensors["optimizer.\(name)"] = tensor }
        var metadata = [
            "format": format,
            "epoch": "\(position.epoch)", "step_in_epoch": "\(position.stepInEpoch)", "global_step": "\(position.globalStep)",
            "loss_sum": String(position.lossSum.bitPattern, radix: 16), "correct": "\(position.correct)", "counted": "\(position.counted)",
            "seen": "\(position.seen)",
            "seconds": "\(position.seconds)", "metrics_bytes": "\(position.metricsBytes)",
            "rng.global": words(GlobalRandom.generator.state),
        ]
        for (name, dropout) in dropoutLayers(model) { metadata["rng.dropout.\(name)"] = words(dropout.generator.state) }
        try Safetensors.write(tensors, metadata: metadata, to: url.path)
    }

    /// Restores model, optimizer and generators from `url`; returns the saved position.
    /// Everything is checked before anything is assigned.
    /// - Throws: ``CheckpointError`` or ``ValidationError`` naming the file and what does not fit.
    static func load(from url: URL, model: any Layer, optimizer: any StatefulOptimizer) throws -> TrainingPosition {
        let file = try SafetensorsFile(contentsOf: url.path)
        let bad = { (what: String) in RunError("\(url.path): \(what)") }
        guard file.metadata["format"] == format else { throw bad("not a fovea training checkpoint (format \(file.metadata["format"] ?? "missing"))") }
        func integer(_ key: String) throws -> Int {
            guard let value = file.metadata[key].flatMap({ Int($0) }), value >= 0 else { throw bad("metadata \(key) is missing or malformed") }
            return value
        }
        func generator(_ key: String) throws -> SeededGenerator {
            let parts = file.metadata[key]?.split(separator: ",").compactMap { UInt64($0, radix: 16) } ?? []
            guard let generator = SeededGenerator(state: parts) else { throw bad("metadata \(key) is missing or malformed") }
            return generator
        }
        var position = TrainingPosition()
        position.epoch = try integer("epoch")
        position.stepInEpoch = try integer("step_in_epoch")
        position.globalStep = try integer("global_step")
        position.correct = try integer("correct")
        position.seen = try integer("seen")
        // Checkpoints from before pixel labelling counted one prediction per image.
        position.counted = file.metadata["counted"] == nil ? position.seen : try integer("counted")
        position.metricsBytes = UInt64(try integer("metrics_bytes"))
        guard let lossBits = file.metadata["loss_sum"].flatMap({ UInt64($0, radix: 16) }),
              let seconds = file.metadata["seconds"].flatMap(Double.init) else { throw bad("metadata loss_sum or seconds is malformed") }
        position.lossSum = Double(bitPattern: lossBits)
        position.seconds = seconds
        let global = try generator("rng.global")
        let dropouts = try dropoutLayers(model).map { ($0.layer, try generator("rng.dropout.\($0.name)")) }

        var modelPart: [String: Tensor] = [:], optimizerPart: [String: Tensor] = [:]
        do {
            for (name, tensor) in try file.tensors() {
                if name.hasPrefix("model.") { modelPart[String(name.dropFirst(6))] = tensor }
                else if name.hasPrefix("optimizer.") { optimizerPart[String(name.dropFirst(10))] = tensor }
                else { throw CheckpointError.unexpectedTensor(name: name) }
            }
            // Check the optimizer's part first: loadStateDict assigns as soon as its own checks pass.
            let probe = optimizer.stateTensors()
            try optimizer.loadStateTensors(optimizerPart)
            do { try model.loadStateDict(modelPart) } catch {
                try? optimizer.loadStateTensors(probe)
                throw error
            }
        } catch let error as CheckpointError {
            throw CheckpointError.inFile(path: url.path, error)
        }
        GlobalRandom.generator = global
        for (layer, generator) in dropouts { layer.generator = generator }
        return position
    }

    private static func words(_ state: [UInt64]) -> String { state.map { String($0, radix: 16) }.joined(separator: ",") }
}
