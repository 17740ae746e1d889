// `fovea show kernels|features|receptive-field|curves` end to end: the files exist, have the sizes
// the layout gives, and the receptive-field rectangle lies where the summary says.

import Foundation
import Fovea
import Testing

/// Removes `dir` unless $FOVEA_KEEP_TEST_FILES is set (to look at the pictures).
func cleanUp(_ dir: URL) {
    if ProcessInfo.processInfo.environment["FOVEA_KEEP_TEST_FILES"] != nil { print("kept \(dir.path)"); return }
    try? FileManager.default.removeItem(at: dir)
}

@Suite(.serialized) struct ShowPicturesTests {
    @Test func kernelsGridHasOneCellPerOutputChannel() throws {
        let dir = try makeTemporaryDirectory()
        defer { cleanUp(dir) }
        let run = dir.appendingPathComponent("run")
        try makeShapesRun(in: run, steps: 2)
        let result = try runFovea(["show", "kernels", run.path])
        #expect(result.status == 0, "\(result.error)")
        // small-cnn: 32 kernels 1×5×5, scale 40/5 = 8 → cells 41 px, 8 columns × 4 rows, 1-px border.
        let png = try readPNG(run.appendingPathComponent("kernels.png"))
        #expect(png.width == 8 * 41 + 1 && png.height == 4 * 41 + 1 && png.channels == 1)

        // Colour: a 3-input-channel convolution saved as its own weights file.
        GlobalRandom.seed(1)
        let colour = try Models.smallCNN(inputChannels: 3, inputSize: 32)
        let weights = dir.appendingPathComponent("colour.safetensors")
        try colour.saveStateDict(to: weights.path)
        let out = dir.appendingPathComponent("colour")
        let coloured = try runFovea(["show", "kernels", "--model", "small-cnn", "--dataset", "cifar10", "--weights", weights.path,
                                     "--out", out.path, "--scale", "2", "--columns", "16"])
        #expect(coloured.status == 0, "\(coloured.error)")
        let rgb = try readPNG(out.appendingPathComponent("kernels.png"))
        #expect(rgb.channels == 3 && rgb.width == 16 * 11 + 1 && rgb.height == 2 * 11 + 1)

        let wrong = try runFovea(["show", "kernels", "--model", "lenet5", "--weights", weights.path])
        #expect(wrong.status != 0 && wrong.error.contains("tensor '"), "\(wrong.error)")
    }

    @Test func featuresWritesOneGridPerConvAndPoolLayer() throws {
        let dir = try makeTemporaryDirectory()
        defer { cleanUp(dir) }
        let run = dir.appendingPathComponent("run")
        try makeShapesRun(in: run, steps: 2)
        let result = try runFovea(["show", "features", run.path, "--index", "3"])
        #expect(result.status == 0, "\(result.error)")
        let folder = run.appendingPathComponent("features")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        // small-cnn: conv 0, pool 2, conv 3, pool 5 → four grids, and the input.
        #expect(names == ["features-1-0.png", "features-2-2.png", "features-3-3.png", "features-4-5.png", "input.png"], "\(names)")
        // Conv 0: 32 maps 28×28 at scale 2 → cells 57 px, 8 × 4.
        let first = try readPNG(folder.appendingPathComponent("features-1-0.png"))
        #expect(first.width == 8 * 57 + 1 && first.height == 4 * 57 + 1)
        // Pool 5: 64 maps 7×7 → cells 15 px, 8 × 8.
        let last = try readPNG(folder.appendingPathComponent("features-4-5.png"))
        #expect(last.width == 8 * 15 + 1 && last.height == 8 * 15 + 1)

        // A PNG of the wrong size is refused, naming it.
        let small = dir.appendingPathComponent("small.png")
        try PNGImage(width: 4, height: 4, channels: 1, pixels: [UInt8](repeating: 9, count: 16)).write(to: small.path)
        let refused = try runFovea(["show", "features", run.path, "--image", small.path])
        #expect(refused.status != 0 && refused.error.contains("small.png") && refused.error.contains("28×28"), "\(refused.error)")
        let outside = try runFovea(["show", "features", run.path, "--index", "99999"])
        #expect(outside.status != 0 && outside.error.contains("--index 99999"), "\(outside.error)")
    }

    @Test func receptiveFieldRectangleIsWhereTheSummarySays() throws {
        let dir = try makeTemporaryDirectory()
        defer { cleanUp(dir) }
        let run = dir.appendingPathComponent("run")
        try makeShapesRun(in: run, steps: 1)
        // small-cnn layer "3" (second conv, k5 pad 2 after a 2×2 pool): RF 14, jump 2, start −6.
        // Unit (5, 7): rows −6 + 10 = 4 … 17, columns −6 + 14 = 8 … 21.
        GlobalRandom.seed(0)
        let row = try Models.smallCNN().summary(input: [1, 1, 28, 28]).rows.first { $0.name == "3" }!
        let region = try row.inputRegion(unit: [5, 7])
        #expect(region == [4...17, 8...21], "\(region) from RF \(row.receptiveField!) jump \(row.jump!) start \(row.start!)")
        let scale = 4
        let result = try runFovea(["show", "receptive-field", run.path, "--layer", "3", "--unit", "5,7", "--index", "0", "--scale", "\(scale)"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("sees input rows 4…17, columns 8…21 (14×14)"), "\(result.output)")
        let png = try readPNG(run.appendingPathComponent("receptive-field.png"))
        #expect(png.width == 28 * scale && png.height == 28 * scale && png.channels == 3)
        func isRed(_ x: Int, _ y: Int) -> Bool {
            let o = (y * png.width + x) * 3
            return png.pixels[o] == 255 && png.pixels[o + 1] == 0 && png.pixels[o + 2] == 0
        }
        var red: [(x: Int, y: Int)] = []
        for y in 0..<png.height { for x in 0..<png.width where isRed(x, y) { red.append((x, y)) } }
        #expect(red.map(\.y).min() == 4 * scale && red.map(\.y).max() == 18 * scale - 1)
        #expect(red.map(\.x).min() == 8 * scale && red.map(\.x).max() == 22 * scale - 1)
        #expect(red.count == 2 * (14 * scale) + 2 * (14 * scale - 2))  // the outline only

        let badLayer = try runFovea(["show", "receptive-field", run.path, "--layer", "99"])
        #expect(badLayer.status != 0 && badLayer.error.contains("no layer '99'"), "\(badLayer.error)")
        let badUnit = try runFovea(["show", "receptive-field", run.path, "--layer", "3", "--unit", "50,0"])
        #expect(badUnit.status != 0 && badUnit.error.contains("outside"), "\(badUnit.error)")
        let global = try runFovea(["show", "receptive-field", run.path, "--layer", "7", "--unit", "0,0"])
        #expect(global.status != 0, "\(global.output)")
    }

    @Test func curvesFromMetricsLines() throws {
        let dir = try makeTemporaryDirectory()
        defer { cleanUp(dir) }
        let lines = [#"{"epoch": 1, "trainLoss": 1.2, "trainAccuracy": 0.6, "testAccuracy": 0.7, "seconds": 3}"#,
                     #"{"epoch": 2, "trainLoss": 0.7, "trainAccuracy": 0.8, "testAccuracy": 0.82}"#,
                     "",
                     #"{"epoch": 3, "trainLoss": 0.5, "trainAccuracy": 0.86, "testAccuracy": 0.85}"#]
        try Data(lines.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("metrics.jsonl"))
        let result = try runFovea(["show", "curves", dir.path])
        #expect(result.status == 0, "\(result.error)")
        let svg = try String(contentsOf: dir.appendingPathComponent("curves.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(svg.contains("test accuracy") && svg.contains("train loss"))
        let png = try readPNG(dir.appendingPathComponent("curves.png"))
        #expect(png.width == 800 && png.height == 360 && png.channels == 3)
        // Both colours drawn: train blue and test orange.
        var colours = Set<[UInt8]>()
        for i in stride(from: 0, to: png.pixels.count, by: 3) { colours.insert(Array(png.pixels[i..<i + 3])) }
        #expect(colours.contains([31, 119, 180]) && colours.contains([255, 127, 14]) && colours.contains([0, 0, 0]))
        // The test accuracy's last point (epoch 3 at the right end, 0.85) sits where the layout puts it.
        let x = 400 + 60 + 320, y = 40 + 260 - Int((0.85 * 260).rounded())
        #expect(png.pixels[(y * png.width + x) * 3] == 255 && png.pixels[(y * png.width + x) * 3 + 1] == 127)

        try Data((lines + ["{\"epoch\": 4}"]).joined(separator: "\n").utf8).write(to: dir.appendingPathComponent("metrics.jsonl"))
        let bad = try runFovea(["show", "curves", dir.path])
        #expect(bad.status != 0 && bad.error.contains("metrics.jsonl:5") && bad.error.contains("trainLoss"), "\(bad.error)")
        let none = try runFovea(["show", "curves", dir.appendingPathComponent("nope").path])
        #expect(none.status != 0 && none.error.contains("no such run folder"))
    }
}
