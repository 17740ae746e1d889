// `fovea evaluate` end to end on a run folder made in-process, and its refusals.

import Foundation
import Fovea
import Testing

@Suite(.serialized) struct EvaluateCommandTests {
    @Test func evaluatesARunFolder() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        try makeShapesRun(in: run)
        let result = try runFovea(["evaluate", run.path, "--limit", "300"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("300 test images): accuracy "), "\(result.output)")
        #expect(result.output.contains("precision") && result.output.contains("recall") && result.output.contains("support"))
        #expect(result.output.contains("rows: true class, columns: predicted class"))
        let png = try readPNG(run.appendingPathComponent("confusion.png"))
        #expect(png.width == 10 * 25 + 1 && png.height == 10 * 25 + 1 && png.channels == 3)

        // The same through --model/--weights/--dataset, writing to --out.
        let out = dir.appendingPathComponent("elsewhere")
        let direct = try runFovea(["evaluate", "--model", "small-cnn", "--weights", run.appendingPathComponent("model.safetensors").path,
                                   "--dataset", "shapes", "--seed", "7", "--limit", "300", "--out", out.path])
        #expect(direct.status == 0, "\(direct.error)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("confusion.png").path))
        // Same weights and images, same accuracy line.
        let line = { (s: String) in s.split(separator: "\n").first.map(String.init) ?? "" }
        #expect(line(direct.output) == line(result.output))
    }

    @Test func badRunsAreRefusedClearly() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let missing = try runFovea(["evaluate", dir.appendingPathComponent("nope").path])
        #expect(missing.status != 0 && missing.error.contains("no such run folder"), "\(missing.error)")

        let run = dir.appendingPathComponent("run")
        try makeShapesRun(in: run, steps: 1)
        let weights = run.appendingPathComponent("model.safetensors")
        // Corrupt: the file cut in half.
        let bytes = try Data(contentsOf: weights)
        try bytes.prefix(bytes.count / 2).write(to: weights)
        let corrupt = try runFovea(["evaluate", run.path, "--limit", "10"])
        #expect(corrupt.status != 0 && corrupt.error.contains("model.safetensors"), "\(corrupt.error)")
        // Missing weights file.
        try FileManager.default.removeItem(at: weights)
        let absent = try runFovea(["evaluate", run.path])
        #expect(absent.status != 0 && absent.error.contains("no such weights file"), "\(absent.error)")
        // LeNet-5 weights under a small-cnn config: the tensor is named.
        let lenet = dir.appendingPathComponent("lenet")
        try makeShapesRun(in: lenet, steps: 1, model: "lenet5")
        try FileManager.default.copyItem(at: lenet.appendingPathComponent("model.safetensors"), to: weights)
        let mismatch = try runFovea(["evaluate", run.path])
        #expect(mismatch.status != 0 && mismatch.error.contains("tensor '"), "\(mismatch.error)")
        // Unknown model and dataset names, and no source at all.
        let unknown = try runFovea(["evaluate", "--model", "resnet", "--weights", weights.path])
        #expect(unknown.status != 0 && unknown.error.contains("unknown model 'resnet'"), "\(unknown.error)")
        let badData = try runFovea(["evaluate", run.path, "--dataset", "imagenet"])
        #expect(badData.status != 0 && badData.error.contains("unknown dataset 'imagenet'"), "\(badData.error)")
        let nothing = try runFovea(["evaluate"])
        #expect(nothing.status != 0 && nothing.error.contains("--model"), "\(nothing.error)")
        // A config.json that is not JSON.
        try Data("not json".utf8).write(to: run.appendingPathComponent("config.json"))
        let badConfig = try runFovea(["evaluate", run.path])
        #expect(badConfig.status != 0 && badConfig.error.contains("config.json"), "\(badConfig.error)")
    }

    @Test func evaluatesCIFAR10WithAColourModel() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A tiny CIFAR-10 test file: 4 records (labels 0…3), random-looking pixels.
        var bytes: [UInt8] = []
        for r in 0..<4 { bytes.append(UInt8(r)); bytes += (0..<3072).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ r &* 13) } }
        let data = dir.appendingPathComponent("cifar")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try Data(bytes).write(to: data.appendingPathComponent("test_batch.bin"))
        GlobalRandom.seed(3)
        let weights = dir.appendingPathComponent("colour.safetensors")
        try Models.smallCNN(inputChannels: 3, inputSize: 32).saveStateDict(to: weights.path)
        let result = try runFovea(["evaluate", "--model", "small-cnn", "--weights", weights.path, "--dataset", "cifar10",
                                   "--data", data.path, "--out", dir.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("cifar10 (4 test images)") && result.output.contains("airplane"), "\(result.output)")
        // A truncated file is refused naming it.
        try Data(bytes.dropLast(1)).write(to: data.appendingPathComponent("test_batch.bin"))
        let cut = try runFovea(["evaluate", "--model", "small-cnn", "--weights", weights.path, "--dataset", "cifar10", "--data", data.path])
        #expect(cut.status != 0 && cut.error.contains("test_batch.bin") && cut.error.contains("3073"), "\(cut.error)")
    }
}
