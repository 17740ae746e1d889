// The folder one training run writes: `config.json` (resolved settings), `metrics.jsonl` (one
// JSON object per epoch and per N steps), `model.safetensors` (a plain state dict PyTorch's
// `load_state_dict` accepts) and `checkpoint.safetensors` (everything `--resume` needs).

import Foundation
import Fovea

/// The paths of a run folder and appending to its metrics.
struct RunFolder {
    let url: URL

    var configuration: URL { url.appendingPathComponent("config.json") }
    var metrics: URL { url.appendingPathComponent("metrics.jsonl") }
    var model: URL { url.appendingPathComponent("model.safetensors") }
    var checkpoint: URL { url.appendingPathComponent("checkpoint.safetensors") }

    /// The path to show users: as given (relative stays relative).
    let displayPath: String

    init(path: String) {
        url = URL(fileURLWithPath: path)
        displayPath = path
    }

    /// A new, empty run folder `parent/name`; with no name, `yyyyMMdd-HHmmss-model-dataset`
    /// (with `-2`, `-3`, … when that exists already).
    /// - Throws: when a named run exists already or the folder cannot be created.
    static func create(parent: String, name: String?, model: String, dataset: String) throws -> RunFolder {
        let manager = FileManager.default
        try checkNew(parent: parent, name: name)
        var candidate: String
        if let name {
            candidate = (parent as NSString).appendingPathComponent(name)
        } else {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyyMMdd-HHmmss"
            let base = (parent as NSString).appendingPathComponent("\(formatter.string(from: Date()))-\(model)-\(dataset)")
            candidate = base
            var suffix = 2
            while manager.fileExists(atPath: candidate) { candidate = "\(base)-\(suffix)"; suffix += 1 }
        }
        do {
            try manager.createDirectory(atPath: candidate, withIntermediateDirectories: true)
        } catch {
            throw RunError("cannot create the run folder \(candidate): \(error.localizedDescription)")
        }
        return RunFolder(path: candidate)
    }

    /// Checks, before any work, that ``create(parent:name:model:dataset:)`` can make the folder:
    /// `parent` is not a file and a named run does not exist yet.
    /// - Throws: ``RunError`` saying which.
    static func checkNew(parent: String, name: String?) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw RunError("--out \(parent): is a file, not a folder")
        }
        if let name {
            let candidate = (parent as NSString).appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate) {
                throw RunError("\(candidate) exists already; continue it with `fovea train --resume \(candidate)` or choose another --name")
            }
        }
    }

    /// Deletes temporary files that a save killed midway left behind (`.checkpoint.safetensors.tmp-…`).
    func removeStaleTemporaryFiles() {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        for name in names where name.hasPrefix(".") && name.contains(".safetensors.tmp-") {
            try? FileManager.default.removeItem(at: url.appendingPathComponent(name))
        }
    }

    /// Appends one JSON object (already encoded, without newline) to `metrics.jsonl`.
    func appendMetrics(_ json: String) throws {
        let data = Data((json + "\n").utf8)
        if !FileManager.default.fileExists(atPath: metrics.path) {
            try data.write(to: metrics)
            return
        }
        let handle = try FileHandle(forWritingTo: metrics)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: data)
    }

    /// The size of `metrics.jsonl` in bytes (0 when it does not exist yet).
    func metricsSize() -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: metrics.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }

    /// Cuts `metrics.jsonl` back to `size` bytes: lines written after the checkpoint was saved
    /// belong to steps a resumed run repeats.
    func truncateMetrics(to size: UInt64) throws {
        guard metricsSize() > size else { return }
        let handle = try FileHandle(forWritingTo: metrics)
        defer { try? handle.close() }
        try handle.truncate(atOffset: size)
    }

    /// Writes the model's parameters and buffers under their PyTorch names, atomically.
    func writeModel(_ layer: any Layer) throws {
        try layer.saveStateDict(to: model.path, metadata: ["format": "pt"])
    }
}

/// One line of `metrics.jsonl`: keys in a fixed order; floats printed so they read back exactly.
struct MetricsLine {
    private var fields: [String] = []

    mutating func add(_ key: String, _ value: some CustomStringConvertible) { fields.append("\"\(key)\":\(value)") }
    mutating func add(_ key: String, string value: String) { fields.append("\"\(key)\":\"\(value)\"") }

    var json: String { "{" + fields.joined(separator: ",") + "}" }
}
