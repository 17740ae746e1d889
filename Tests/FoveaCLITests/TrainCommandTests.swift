// `fovea train` end to end: bad input gets one clear line and a non-zero exit; a short run learns.

import Foundation
import Testing

@Suite struct TrainCommandTests {
    private func expectRefusal(_ arguments: [String], mentioning fragment: String) throws {
        let result = try runFovea(["train"] + arguments)
        #expect(result.status != 0, "fovea train \(arguments) should fail")
        #expect((result.error + result.output).contains(fragment), "fovea train \(arguments) said: \(result.error)")
        #expect(!result.error.contains("Fatal error"), "fovea train \(arguments) crashed: \(result.error)")
    }

    @Test func badOptionsAreRefusedWithTheValue() throws {
        try expectRefusal(["--threads", "0"], mentioning: "--threads 0")
        try expectRefusal(["--batch-size", "0"], mentioning: "--batch-size 0")
        try expectRefusal(["--batch-size", "-3"], mentioning: "--batch-size")
        try expectRefusal(["--lr", "nan"], mentioning: "--lr")
        try expectRefusal(["--lr", "-0.1"], mentioning: "--lr")
        try expectRefusal(["--epochs", "0"], mentioning: "--epochs 0")
    }

    @Test func missingDataDirectoryIsRefused() throws {
        try expectRefusal(["--data", "/nonexistent/fovea-data"], mentioning: "/nonexistent/fovea-data")
    }

    @Test func directoryWithoutTheFilesNamesWhereItLooked() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try expectRefusal(["--data", dir.path], mentioning: dir.path)
    }

    @Test func corruptGzipIsRefused() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A gzip header followed by garbage, under every name the loader looks for.
        let junk = Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03] + [UInt8](repeating: 0xAB, count: 64))
        for name in ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"] {
            try junk.write(to: dir.appendingPathComponent(name))
        }
        try expectRefusal(["--data", dir.path], mentioning: "train-")
    }

    @Test func shortRunOnShapesLearns() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runFovea(["train", "--dataset", "shapes", "--epochs", "2", "--limit", "2048", "--seed", "3", "--out", dir.path])
        #expect(result.status == 0, "\(result.error)")
        let accuracies = result.output.split(separator: "\n").compactMap { line -> Double? in
            guard let range = line.range(of: "test acc ") else { return nil }
            return Double(line[range.upperBound...].prefix(while: { $0 != "%" }))
        }
        #expect(accuracies.count == 2, "\(result.output)")
        #expect((accuracies.last ?? 0) > 50, "\(result.output)")
        // The run folder holds the learning curves, redrawn after each epoch.
        let runs = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(runs.count == 1)
        for file in ["curves.svg", "curves.png", "metrics.jsonl", "model.safetensors", "checkpoint.safetensors", "config.json"] {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(runs.first ?? "").appendingPathComponent(file).path), "\(file)")
        }
        let curves = try runFovea(["show", "curves", dir.appendingPathComponent(runs.first ?? "").path])
        #expect(curves.status == 0, "\(curves.error)")
        // Evaluation normalises as training did (config.json records it): the same test accuracy.
        let evaluation = try runFovea(["evaluate", dir.appendingPathComponent(runs.first ?? "").path])
        #expect(evaluation.status == 0, "\(evaluation.error)")
        let last = String(format: "accuracy %.2f%%", accuracies.last ?? -1)
        #expect(evaluation.output.contains(last), "training said \(last); evaluate said \(evaluation.output.prefix(200))")
    }
}
