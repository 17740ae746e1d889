// A LeNet-5 checkpoint written by PyTorch (Scripts/make_lenet5_fixture.py) loads into Fovea's
// LeNet-5 by name and gives PyTorch's logits; and Fovea's own checkpoint reads back identically.

import Foundation
import FoveaModels
import FoveaNN
import Testing

@Suite struct LeNet5InteropTests {
    @Test func pytorchCheckpointGivesPyTorchsLogits() throws {
        let weights = try #require(Bundle.module.path(forResource: "Fixtures/lenet5", ofType: "safetensors"))
        let expectedURL = try #require(Bundle.module.url(forResource: "Fixtures/lenet5_output", withExtension: "json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL)) as? [String: Any])
        let logits = try #require(expected["output"] as? [NSNumber]).map(\.floatValue)

        let model = try Models.leNet5()
        try model.loadStateDict(contentsOf: weights)
        model.eval()
        // The input formula of the script: sin(0.11·i)·cos(0.07·i), computed in double, stored as float32.
        let input = try Tensor(shape: [2, 1, 28, 28], scalars: (0..<(2 * 28 * 28)).map { Float(sin(0.11 * Double($0)) * cos(0.07 * Double($0))) })
        let output = try model(input)
        #expect(output.shape == [2, 10])
        for (a, b) in zip(output.scalars, logits) { #expect(abs(a - b) <= 1e-5 * max(1, abs(b)), "\(a) vs PyTorch \(b)") }

        // Saved by Fovea and read back: the same tensors.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lenet5-\(UUID().uuidString).safetensors").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try model.saveStateDict(to: path)
        let copy = try Models.leNet5()
        try copy.loadStateDict(contentsOf: path)
        #expect(try copy(input).scalars == output.scalars)
    }
}
