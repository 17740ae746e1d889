// `fovea evaluate` on one image: the top-5 classes of ImageNet-style weights (an AlexNet built
// here from a seed, no download) and of a run folder's model agree with the model's own forward
// pass on the same preprocessing; bad images and weights are refused in one line naming them.

import Foundation
import Fovea
import Testing

@Suite(.serialized) struct EvaluateImageTests {
    /// A `width × height` RGB picture with a bright disc on a colour gradient.
    private func makePicture(width: Int, height: Int, channels: Int = 3) throws -> PNGImage {
        var pixels: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                let inside = (x - width / 3) * (x - width / 3) + (y - height / 2) * (y - height / 2) < height * height / 9
                let rgb = inside ? [240, 220, 40] : [x * 255 / width, y * 255 / height, 90]
                pixels += rgb.prefix(channels).map { UInt8($0) }
            }
        }
        return try PNGImage(width: width, height: height, channels: channels, pixels: pixels)
    }

    /// The `(class index, percent)` lines `fovea evaluate` printed, in rank order.
    private func ranking(_ output: String) -> [(index: Int, percent: Double)] {
        output.split(separator: "\n").compactMap { line in
            guard let open = line.range(of: "(class "), let percent = line.firstRange(of: "%") else { return nil }
            let number = line[line.index(line.startIndex, offsetBy: 4)..<percent.lowerBound].trimmingCharacters(in: .whitespaces)
            return Int(line[open.upperBound...].prefix { $0.isNumber }).flatMap { index in Double(number).map { (index, $0) } }
        }
    }

    /// The five most probable classes of `logits [1, classes]`, with their probabilities in percent.
    private func topFive(_ logits: Tensor) throws -> [(index: Int, percent: Double)] {
        let p = try logits.softmax(alongAxis: 1).scalars
        return p.indices.sorted { p[$0] > p[$1] }.prefix(5).map { ($0, 100 * Double(p[$0])) }
    }

    private func expectSameRanking(_ printed: [(index: Int, percent: Double)], _ expected: [(index: Int, percent: Double)]) {
        #expect(printed.map(\.index) == expected.map(\.index), "printed \(printed), forward pass \(expected)")
        for (a, b) in zip(printed, expected) { #expect(abs(a.percent - b.percent) < 0.006, "\(a) vs \(b)") }
    }

    @Test func imageNetWeightsGiveTheForwardPassTopFiveWithImageNetNames() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let model = try GlobalRandom.withSeed(11) { try Models.alexNet() }
        // Spread the logits, so that the ranking does not hang on rounding.
        try #require(model.namedParameters.first { $0.name == "classifier.6.weight" }).parameter.update { w in
            for i in w.indices { w[i] *= 200 }
        }
        let weights = dir.appendingPathComponent("alexnet.safetensors")
        try model.saveStateDict(to: weights.path)
        let picture = try makePicture(width: 90, height: 60)
        let image = dir.appendingPathComponent("disc.png")
        try picture.write(to: image.path)

        let result = try runFovea(["evaluate", "--model", "alexnet", "--weights", weights.path, image.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("(90×60) → alexnet, top 5 of 1000 classes (ImageNet preprocessing: shorter side 256, centre 224×224"),
                "\(result.output)")
        model.eval()
        let expected = try GradientRecording.withoutGradients { try topFive(model(ImagePreprocessing.imageNet.tensor(for: picture))) }
        expectSameRanking(ranking(result.output), expected)
        for (index, _) in expected { #expect(result.output.contains("  \(ImageNet.classNames[index]) (class \(index))")) }
    }

    @Test func aRunFolderClassifiesWithItsTrainingPreprocessingAndClasses() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let run = dir.appendingPathComponent("run")
        try makeShapesRun(in: run)
        let config = #"{"model": "small-cnn", "dataset": "shapes", "seed": 7, "normalization": {"mean": 0.2, "std": 0.25}}"#
        try Data(config.utf8).write(to: run.appendingPathComponent("config.json"))
        let picture = try makePicture(width: 40, height: 33)
        let image = dir.appendingPathComponent("glyph.png")
        try picture.write(to: image.path)

        let result = try runFovea(["evaluate", run.path, "--image", image.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("top 5 of 10 classes (as trained: 1×28×28, shapes normalisation)"), "\(result.output)")
        let model = try Models.smallCNN()
        try model.loadStateDict(contentsOf: run.appendingPathComponent("model.safetensors").path)
        model.eval()
        let preprocessing = ImagePreprocessing(channels: 1, resizeShorterSide: 28, cropSize: 28, mean: [0.2], std: [0.25])
        let expected = try GradientRecording.withoutGradients { try topFive(model(preprocessing.tensor(for: picture))) }
        expectSameRanking(ranking(result.output), expected)
        #expect(result.output.contains("  \(ImageDataset.shapesClassNames[expected[0].index]) (class \(expected[0].index))"))
    }

    @Test func badImagesAndWeightsAreRefusedNamingThem() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let image = dir.appendingPathComponent("ok.png")
        try makePicture(width: 30, height: 30, channels: 1).write(to: image.path)
        let lenet = dir.appendingPathComponent("lenet.safetensors")
        try GlobalRandom.withSeed(2) { try Models.leNet5() }.saveStateDict(to: lenet.path)
        func refusal(_ arguments: [String], _ fragment: String) throws {
            let result = try runFovea(["evaluate"] + arguments)
            #expect(result.status != 0, "\(arguments) should fail")
            #expect(result.error.contains(fragment), "\(arguments): \(result.error)")
            #expect(!result.error.contains("Fatal error") && result.error.split(separator: "\n").count <= 2, "\(arguments): \(result.error)")
        }
        let missing = dir.appendingPathComponent("missing.png").path
        try refusal(["--model", "lenet5", "--weights", lenet.path, missing], "\(missing): no such file")
        let text = dir.appendingPathComponent("notes.png")
        try Data("not a picture".utf8).write(to: text)
        try refusal(["--model", "lenet5", "--weights", lenet.path, text.path], "\(text.path): not a PNG image")
        try refusal(["--model", "alexnet", "--weights", lenet.path, image.path], "tensor '")
        try refusal(["--model", "alexnet", "--weights", dir.appendingPathComponent("none.safetensors").path, image.path], "no such weights file")
        // A usage error: ArgumentParser adds the usage lines.
        let twice = try runFovea(["evaluate", "--model", "lenet5", "--weights", lenet.path, image.path, "--image", image.path])
        #expect(twice.status != 0 && twice.error.contains("two images given"), "\(twice.error)")
        let rcn = dir.appendingPathComponent("rcn.safetensors")
        try GlobalRandom.withSeed(2) { try Models.recurrentConvolutionalNetwork(classes: 11) }.saveStateDict(to: rcn.path)
        try refusal(["--model", "rcn", "--weights", rcn.path, image.path], "rcn labels every pixel")
        // ImageNet weights have no test set to evaluate on.
        let googlenet = dir.appendingPathComponent("googlenet.safetensors")
        try GlobalRandom.withSeed(2) { try Models.googLeNet() }.saveStateDict(to: googlenet.path)
        try refusal(["--model", "googlenet", "--weights", googlenet.path], "no ImageNet test set")
        // The lenet5 grey 30×30 picture through a lenet5 fitting the weights works.
        let ok = try runFovea(["evaluate", "--model", "lenet5", "--weights", lenet.path, image.path])
        #expect(ok.status == 0 && ok.output.contains("top 5 of 10 classes (as trained: 1×28×28, fashion-mnist normalisation)"), "\(ok.output)\(ok.error)")
    }
}
