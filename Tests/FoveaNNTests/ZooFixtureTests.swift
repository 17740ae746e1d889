// torchvision's AlexNet and GoogLeNet against Fovea's, with identical weights and no download:
// Scripts/make_zoo_fixtures.py fills every parameter and buffer of the torchvision models by an
// integer-hash formula of (state-dict position, element index), runs a formula input in eval mode
// and commits the logits (Fixtures/zoo_logits.json, 55 KB). Here Fovea builds the same weights by
// the same formula through `namedParameters`/`namedBuffers` — which must therefore carry exactly
// torchvision's state-dict names — and must reproduce the logits to ≤ 1e-4 relative.

import Foundation
import FoveaModels
import FoveaNN
import Testing
import _FoveaTestSupport

/// One model of the fixture: its input shape, torchvision's state-dict names in order, the logits.
private struct ZooCase: @unchecked Sendable {
    let name: String
    let inputShape: [Int]
    let stateDictKeys: [String]
    let logits: Tensor

    static func load() throws -> [ZooCase] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/zoo_logits", withExtension: "json"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        return try #require(root["cases"] as? [[String: Any]]).map { entry in
            let shape = try #require(entry["logits_shape"] as? [NSNumber]).map(\.intValue)
            let values = try #require(entry["logits"] as? [NSNumber]).map(\.floatValue)
            return ZooCase(name: try #require(entry["name"] as? String),
                           inputShape: try #require(entry["input_shape"] as? [NSNumber]).map(\.intValue),
                           stateDictKeys: try #require(entry["state_dict_keys"] as? [String]),
                           logits: try Tensor(shape: shape, scalars: values))
        }
    }
}

/// The script's `hash_uniform`: MurmurHash3's 32-bit finaliser of (i + t·0x9E3779B9) mod 2³²,
/// mapped to [−1, 1) — integer arithmetic, so it matches NumPy bit for bit.
private func hashUniform(_ i: Int, _ t: Int) -> Double {
    let mask: UInt64 = 0xFFFF_FFFF
    var x = (UInt64(i) &+ UInt64(t) &* 0x9E37_79B9) & mask
    x ^= x >> 16
    x = (x &* 0x85EB_CA6B) & mask
    x ^= x >> 13
    x = (x &* 0xC2B2_AE35) & mask
    x ^= x >> 16
    return Double(x) / 4_294_967_296.0 * 2.0 - 1.0
}

/// The script's formula for element `i` of the tensor `name` of `shape` at state-dict position `t`.
private func formulaFill(_ values: UnsafeMutableBufferPointer<Float>, name: String, shape: [Int], t: Int) {
    let transform: (Double) -> Double
    if name.hasSuffix("running_var") {
        transform = { 0.75 + 0.25 * $0 }
    } else if name.hasSuffix("running_mean") || name.hasSuffix("bias") {
        transform = { 0.1 * $0 }
    } else if shape.count >= 2 {
        let scale = (6.0 / Double(values.count / shape[0])).squareRoot()
        transform = { $0 * scale }
    } else {
        transform = { 1.0 + 0.1 * $0 }
    }
    for i in values.indices { values[i] = Float(transform(hashUniform(i, t))) }
}

/// Fills `model` as the script fills torchvision's model, after checking that the names agree.
private func fillByFormula(_ model: any Layer, keys: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
    let parameters = Dictionary(uniqueKeysWithValues: model.namedParameters.map { ($0.name, $0.parameter) })
    let buffers = Dictionary(uniqueKeysWithValues: model.namedBuffers.map { ($0.name, $0.buffer) })
    #expect(Set(parameters.keys).union(buffers.keys) == Set(keys), "Fovea's names differ from torchvision's state dict",
            sourceLocation: sourceLocation)
    for (t, name) in keys.enumerated() where !name.hasSuffix("num_batches_tracked") {
        // The shape is read before `update`, which holds exclusive access to the values.
        if let p = parameters[name] {
            let shape = p.shape
            p.update { formulaFill($0, name: name, shape: shape, t: t) }
        } else if let b = buffers[name] {
            let shape = b.shape
            b.update { formulaFill($0, name: name, shape: shape, t: t) }
        }
    }
}

@Suite struct ZooFixtureTests {
    @Test(arguments: ["alexnet", "googlenet"])
    func logitsMatchTorchvisionWithFormulaWeights(model name: String) throws {
        let c = try #require(try ZooCase.load().first { $0.name == name })
        let model: any Layer = name == "alexnet" ? try Models.alexNet(.torchvision) : try Models.googLeNet(.torchvision)
        // Fovea lists parameters, then buffers; torchvision interleaves them per module, so each
        // list must be the state dict's keys of its kind, in the state dict's order.
        let parameterNames = model.namedParameters.map(\.name), bufferNames = model.namedBuffers.map(\.name)
        #expect(parameterNames == c.stateDictKeys.filter { Set(parameterNames).contains($0) })
        #expect(bufferNames == c.stateDictKeys.filter { !Set(parameterNames).contains($0) })
        try fillByFormula(model, keys: c.stateDictKeys)
        model.eval()
        var input = try Tensor.zeros(c.inputShape)
        input.withUnsafeMutableBufferPointer { x in for i in x.indices { x[i] = Float(hashUniform(i, 1_000_003)) } }
        let logits = try GradientRecording.withoutGradients { try model(input) }
        #expect(logits.shape == c.logits.shape)
        let scale = c.logits.scalars.map { Swift.abs($0) }.max() ?? 1
        let error = maxAbsDifference(logits.scalars, c.logits.scalars)
        #expect(error <= 1e-4 * scale, "\(name): max |Δ| \(error) for logits up to \(scale)")
        #expect(allClose(logits.scalars, c.logits.scalars, relative: 1e-4, absolute: 1e-4 * scale))
    }
}
