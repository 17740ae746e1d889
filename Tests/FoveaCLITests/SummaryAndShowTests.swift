// `fovea summary` and `fovea show edges` end to end.

import Foundation
import Testing

@Suite struct SummaryAndShowTests {
    @Test func summaryPrintsTheTotals() throws {
        let result = try runFovea(["summary", "small-cnn"])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("parameters: 454,922"))
        #expect(result.output.contains("multiply-adds: 11,065,088"))
        let unknown = try runFovea(["summary", "no-such-net"])
        #expect(unknown.status != 0 && unknown.error.contains("no-such-net"))
        // The model is built for the input: what it cannot be built for, and where a map vanishes, are named.
        let tiny = try runFovea(["summary", "small-cnn", "--input", "1x2x2"])
        #expect(tiny.status != 0 && tiny.error.contains("multiple of 4, not 2×2"), "\(tiny.error)")
        let vanishing = try runFovea(["summary", "alexnet", "--input", "3x62x62"])
        #expect(vanishing.status != 0 && vanishing.error.contains("layer 'features.12' (MaxPool2D)"), "\(vanishing.error)")
        let colour = try runFovea(["summary", "small-cnn", "--input", "3x32x32"])
        #expect(colour.output.contains("input [1, 3, 32, 32] → output [1, 10]"), "\(colour.output)\(colour.error)")
        let bad = try runFovea(["summary", "small-cnn", "--input", "abc"])
        #expect(bad.status != 0 && bad.error.contains("--input abc"))
    }

    @Test func edgesWritesThreePictures() throws {
        let dir = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A PNG with a vertical step: grey 8-bit, 6×4, left half black, right half white.
        let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAYAAAAECAAAAACIbxGfAAAAEklEQVR4nGNgYGD4//8/AzYKAJWGC/UWGz8aAAAAAElFTkSuQmCC")!
        let image = dir.appendingPathComponent("step.png")
        try png.write(to: image)
        let out = dir.appendingPathComponent("pictures")
        let result = try runFovea(["show", "edges", "--image", image.path, "--out", out.path])
        #expect(result.status == 0, "\(result.error)")
        for name in ["original", "response", "magnitude"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(name).png").path), "\(name).png")
        }
        let missing = try runFovea(["show", "edges", "--image", dir.appendingPathComponent("none.png").path])
        #expect(missing.status != 0 && missing.error.contains("none.png"))
    }
}
