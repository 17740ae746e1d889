// Checkpoints written by PyTorch: a tiny Conv2d–ReLU–Flatten–Linear network saved with the
// safetensors package by Scripts/make_safetensors_fixture.py, loaded into the same Fovea
// architecture, must reproduce PyTorch's output on the committed input to 1e-5 — and Fovea's
// writer must produce the very same bytes for the same tensors.

import Foundation
import FoveaNN
import Testing

@Suite struct PyTorchInteropTests {
    struct Expected: Decodable {
        let input_shape: [Int]
        let input: [Float]
        let output_shape: [Int]
        let output: [Float]
    }

    func fixture(_ name: String) throws -> String {
        let directory = try #require(Bundle.module.url(forResource: "Fixtures", withExtension: nil))
        return directory.appendingPathComponent(name).path
    }

    @Test func pyTorchCheckpointReproducesPyTorchOutput() throws {
        let model = Sequential(try Conv2D(inputChannels: 1, outputChannels: 2, kernelSize: 3), ReLU(), Flatten(),
                               try Linear(inputFeatures: 32, outputFeatures: 3))
        try model.loadStateDict(contentsOf: try fixture("tiny_cnn.safetensors"))
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: URL(fileURLWithPath: try fixture("tiny_cnn_output.json"))))
        model.eval()
        let output = try model(try Tensor(shape: expected.input_shape, scalars: expected.input))
        #expect(output.shape == expected.output_shape)
        let worst = zip(output.scalars, expected.output).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5, "largest difference \(worst)")
    }

    @Test func foveaWritesTheSameBytesAsTheReferenceImplementation() throws {
        let path = try fixture("tiny_cnn.safetensors")
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(try Safetensors.encode(try Safetensors.read(contentsOf: path)) == original)
    }
}
