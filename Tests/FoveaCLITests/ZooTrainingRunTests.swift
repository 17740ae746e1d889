// `fovea train --model alexnet|googlenet|rcn` end to end on tiny subsets: each writes a whole run
// folder with the model's own state-dict names; AlexNet refuses images too small for it in one
// line, leaving no folder; the recurrent network reports pixel accuracy per step T, resumes bit for
// bit and is evaluated per pixel.

import Foundation
import Testing

@Suite struct ZooTrainingRunTests {
    private let tiny = ["--limit", "16", "--test-limit", "8", "--batch-size", "8", "--epochs", "1", "--threads", "2", "--seed", "5"]

    /// The run folder's files, and config.json as a dictionary.
    private func checkRunFolder(_ run: URL) throws -> [String: Any] {
        for file in ["config.json", "metrics.jsonl", "model.safetensors", "checkpoint.safetensors", "curves.svg", "curves.png"] {
            #expect(FileManager.default.fileExists(atPath: run.appendingPathComponent(file).path), "\(run.lastPathComponent): \(file) missing")
        }
        let metrics = try String(contentsOf: run.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(metrics.contains("\"kind\":\"epoch\"") && metrics.contains("\"test_accuracy\":"), "\(metrics)")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: run.appendingPathComponent("config.json"))) as? [String: Any] ?? [:]
    }

    /// Names and shapes of the tensors in a safetensors file, from its header alone.
    private func tensorShapes(_ url: URL) throws -> [String: [Int]] {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        let size = try handle.read(upToCount: 8).map { [UInt8]($0) } ?? []
        let length = size.enumerated().reduce(0) { $0 | Int($1.element) << (8 * $1.offset) }
        let header = try JSONSerialization.jsonObject(with: handle.read(upToCount: length) ?? Data()) as? [String: Any] ?? [:]
        return header.compactMapValues { ($0 as? [String: Any])?["shape"] as? [Int] }
    }

    @Test func alexNetTrainsOnShapesAt64InThreeChannels() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runFovea(["train", "--model", "alexnet", "--out", dir.path, "--name", "a"] + tiny)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("training alexnet (57044810 parameters) with adam on shapes (3×64×64): 16 train, 8 test images"),
                "\(result.output)")
        let config = try checkRunFolder(dir.appendingPathComponent("a"))
        #expect(config["imageSize"] as? Int == 64 && config["channels"] as? Int == 3 && config["testLimit"] as? Int == 8, "\(config)")
        let shapes = try tensorShapes(dir.appendingPathComponent("a/model.safetensors"))
        #expect(shapes["features.0.weight"] == [64, 3, 11, 11] && shapes["classifier.6.weight"] == [10, 4096], "\(shapes.keys.sorted())")
    }

    @Test func alexNetRefusesImagesTooSmallInOneLineAndLeavesNoFolder() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runFovea(["train", "--model", "alexnet", "--image-size", "32", "--out", dir.path, "--name", "small"] + tiny)
        #expect(result.status != 0)
        #expect(result.error.contains("alexnet cannot take 3×32×32 images: layer 'features.12' (MaxPool2D)"), "\(result.error)")
        #expect(result.error.contains("--image-size") && !result.error.contains("Fatal error"), "\(result.error)")
        #expect(result.error.split(separator: "\n").count <= 2, "\(result.error)")  // the error line (and ArgumentParser's blank line)
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("small").path))
    }

    @Test func googLeNetTrainsOnCIFAR10EnlargedTo64WithBatchNormBuffersInItsCheckpoint() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Tiny CIFAR-10 binary files: 3 records in each training batch, 4 in the test batch.
        let data = dir.appendingPathComponent("cifar")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for (file, records) in (1...5).map({ ("data_batch_\($0).bin", 3) }) + [("test_batch.bin", 4)] {
            var bytes: [UInt8] = []
            for r in 0..<records { bytes.append(UInt8(r)); bytes += (0..<3072).map { UInt8(truncatingIfNeeded: $0 &* 5 &+ r &* 31 &+ file.count) } }
            try Data(bytes).write(to: data.appendingPathComponent(file))
        }
        let result = try runFovea(["train", "--model", "googlenet", "--dataset", "cifar10", "--data", data.path, "--out", dir.path, "--name", "g"] + tiny)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("on cifar10 (3×64×64): 15 train, 4 test images"), "\(result.output)")
        _ = try checkRunFolder(dir.appendingPathComponent("g"))
        let shapes = try tensorShapes(dir.appendingPathComponent("g/checkpoint.safetensors"))
        #expect(shapes["model.conv1.bn.running_mean"] == [64] && shapes["model.fc.weight"] == [10, 1024], "\(shapes.keys.sorted().prefix(8))")
        #expect(shapes["model.inception5b.branch4.1.conv.weight"] == [128, 832, 1, 1])
        // Evaluation converts the test images as training did.
        let evaluation = try runFovea(["evaluate", dir.appendingPathComponent("g").path])
        #expect(evaluation.status == 0 && evaluation.output.contains("googlenet on cifar10 (4 test images)"), "\(evaluation.output)\(evaluation.error)")
    }

    @Test func recurrentNetworkReportsPixelAccuracyPerStepAndResumesBitForBit() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = ["train", "--model", "rcn", "--limit", "64", "--test-limit", "32", "--batch-size", "16", "--epochs", "2",
                   "--threads", "2", "--seed", "3", "--log-every", "1", "--out", dir.path]
        let straight = try runFovea(run + ["--name", "straight"])
        #expect(straight.status == 0, "\(straight.error)")
        #expect(straight.output.contains("on shapes (1×28×28): 64 train, 32 test images"), "\(straight.output)")
        #expect(straight.output.contains("pixel accuracy for T = 1, 2, 3: "), "\(straight.output)")
        let metrics = try metricsWithoutTimes(dir.appendingPathComponent("straight"))
        #expect(metrics.count == 2 + 8, "\(metrics)")  // 4 steps per epoch, a line per step
        #expect(metrics.last?.contains("\"test_accuracy_t3\":") == true && metrics.last?.contains("\"test_foreground_accuracy_t1\":") == true)

        // Stop inside epoch 2, resume: the same metrics and weights.
        let first = try runFovea(run + ["--name", "resumed", "--debug-stop-after-steps", "5"])
        #expect(first.status == 0, "\(first.error)")
        let resumed = try runFovea(["train", "--resume", dir.appendingPathComponent("resumed").path])
        #expect(resumed.status == 0, "\(resumed.error)")
        #expect(try metricsWithoutTimes(dir.appendingPathComponent("resumed")) == metrics)
        let weights = { (name: String) in try Data(contentsOf: dir.appendingPathComponent("\(name)/model.safetensors")) }
        #expect(try weights("resumed") == weights("straight"), "final weights differ")

        // Evaluation of the run: per pixel, per step.
        let evaluation = try runFovea(["evaluate", dir.appendingPathComponent("straight").path, "--limit", "10"])
        #expect(evaluation.status == 0, "\(evaluation.error)")
        #expect(evaluation.output.contains("rcn on shapes (10 test images, 7840 pixels): accuracy "), "\(evaluation.output)")
        #expect(evaluation.output.contains("pixel accuracy for T = 1, 2, 3") && evaluation.output.contains("background"))
    }

    @Test func recurrentNetworkRefusesDatasetsWithoutPixelLabels() throws {
        let result = try runFovea(["train", "--model", "rcn", "--dataset", "mnist"])
        #expect(result.status != 0 && result.error.contains("only the shapes dataset has pixel labels"), "\(result.error)")
    }

}
