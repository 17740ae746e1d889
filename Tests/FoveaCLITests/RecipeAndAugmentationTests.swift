// `fovea train --recipe` and `--augment`: the recipe's settings reach config.json (and options
// override them), augmentation settings are checked, and a run with augmentation still resumes
// bit for bit (the crops and flips depend only on seed, epoch and image).

import Foundation
import Testing

@Suite struct RecipeAndAugmentationTests {
    private func configuration(_ run: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: run.appendingPathComponent("config.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func recipeSettingsAreRecordedAndOptionsOverrideThem() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let result = try runFovea(["train", "--recipe", "fashion-best", "--dataset", "shapes", "--limit", "128", "--test-limit", "64",
                                   "--epochs", "1", "--out", dir.path, "--name", "recipe"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("training small-vgg (870826 parameters) with sgd on shapes"), "\(result.output)")
        let config = try configuration(dir.appendingPathComponent("recipe"))
        #expect(config["model"] as? String == "small-vgg")
        #expect(config["epochs"] as? Int == 1 && config["batchSize"] as? Int == 64)
        #expect(config["learningRate"] as? Double == 0.05 && config["momentum"] as? Double == 0.9)
        #expect(abs((config["weightDecay"] as? Double ?? 0) - 0.0005) < 1e-9)
        #expect(config["augmentation"] == nil)
        // An option given with the recipe wins: here augmentation, with its default padding.
        let augmented = try runFovea(["train", "--recipe", "fashion-best", "--augment", "--dataset", "shapes", "--limit", "64",
                                      "--test-limit", "32", "--epochs", "1", "--out", dir.path, "--name", "augmented"])
        #expect(augmented.status == 0, "\(augmented.error)")
        let augmentation = try #require(try configuration(dir.appendingPathComponent("augmented"))["augmentation"] as? [String: Any])
        #expect(augmentation["cropPadding"] as? Int == 2 && augmentation["horizontalFlip"] as? Bool == true)
    }

    @Test func augmentationOptionsAreChecked() throws {
        for (arguments, fragment) in [(["--crop-padding", "2"], "only with --augment"),
                                      (["--recipe", "fashion-best", "--crop-padding", "2"], "only with --augment"),
                                      (["--augment", "--crop-padding=-1"], "--crop-padding -1"),
                                      (["--recipe", "no-such-recipe"], "no-such-recipe"),
                                      (["--resume", "/nonexistent", "--augment"], "--augment cannot be changed")] {
            let result = try runFovea(["train"] + arguments)
            #expect(result.status != 0 && (result.error + result.output).contains(fragment), "\(arguments): \(result.error)")
        }
    }

    @Test func augmentedRunResumesBitForBit() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = ["train", "--dataset", "shapes", "--limit", "256", "--test-limit", "128", "--epochs", "2", "--augment",
                   "--crop-padding", "3", "--threads", "2", "--seed", "5", "--log-every", "1", "--out", dir.path]
        let straight = try runFovea(run + ["--name", "straight"])
        #expect(straight.status == 0, "\(straight.error)")
        #expect((try configuration(dir.appendingPathComponent("straight"))["augmentation"] as? [String: Any])?["cropPadding"] as? Int == 3)
        let first = try runFovea(run + ["--name", "stopped", "--debug-stop-after-steps", "5"])
        #expect(first.status == 0, "\(first.error)")
        let resumed = try runFovea(["train", "--resume", dir.appendingPathComponent("stopped").path])
        #expect(resumed.status == 0, "\(resumed.error)")
        let expected = try metricsWithoutTimes(dir.appendingPathComponent("straight"))
        #expect(try metricsWithoutTimes(dir.appendingPathComponent("stopped")) == expected)
        let weights = try Data(contentsOf: dir.appendingPathComponent("stopped/model.safetensors"))
        #expect(weights == (try Data(contentsOf: dir.appendingPathComponent("straight/model.safetensors"))))
    }
}
