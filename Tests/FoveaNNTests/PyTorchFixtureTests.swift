// Fovea against PyTorch golden values: pooling (max/avg 1-D and 3-D, adaptive, Lp), batch
// normalisation (two training steps, running statistics, evaluation), local response
// normalisation and the activations, each to ≤ 1e-5 relative error. The fixtures are made by
// Scripts/make_pooling_fixtures.py and committed; PyTorch never runs here.

import Foundation
import FoveaNN
import Testing
import _FoveaTestSupport

/// One case of a fixture file: an op name, its configuration and named tensors.
struct FixtureCase: CustomStringConvertible, @unchecked Sendable {
    let name: String, op: String
    let config: [String: Any]
    let tensors: [String: Tensor]
    var description: String { name }

    func tensor(_ key: String) throws -> Tensor { try #require(tensors[key], "\(name) has no tensor \(key)") }
    func ints(_ key: String) -> [Int] { (config[key] as? [NSNumber])?.map(\.intValue) ?? [] }
    func float(_ key: String) -> Float { (config[key] as? NSNumber)?.floatValue ?? .nan }
    func bool(_ key: String) -> Bool { (config[key] as? NSNumber)?.boolValue ?? false }

    /// The cases of `Fixtures/<file>.json`.
    static func load(_ file: String) throws -> [FixtureCase] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(file)", withExtension: "json"))
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let cases = try #require(root["cases"] as? [[String: Any]])
        return try cases.map { entry in
            var tensors: [String: Tensor] = [:]
            for (key, value) in try #require(entry["tensors"] as? [String: [String: Any]]) {
                let shape = try #require(value["shape"] as? [NSNumber]).map(\.intValue)
                let data = try #require(value["data"] as? [NSNumber]).map(\.floatValue)
                tensors[key] = try Tensor(shape: shape, scalars: data)
            }
            return FixtureCase(name: entry["name"] as? String ?? "?", op: entry["op"] as? String ?? "?",
                               config: entry["config"] as? [String: Any] ?? [:], tensors: tensors)
        }
    }
}

/// Expects `actual` to match PyTorch's `expected` within 1e-5 relative (1e-6 absolute near 0).
func expectMatchesPyTorch(_ actual: Tensor, _ expected: Tensor, _ label: String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.shape == expected.shape, "\(label): shape \(actual.shape) vs PyTorch \(expected.shape)", sourceLocation: sourceLocation)
    #expect(allClose(actual.scalars, expected.scalars, relative: 1e-5, absolute: 1e-6),
            "\(label): max |Δ| \(maxAbsDifference(actual.scalars, expected.scalars))", sourceLocation: sourceLocation)
}

@Suite struct PyTorchFixtureTests {
    @Test func pooling() throws {
        let cases = try FixtureCase.load("pooling")
        #expect(cases.count >= 30)
        for c in cases {
            let x = try c.tensor("input"), k = c.ints("kernel"), s = c.ints("stride"), p = c.ints("padding")
            let padding = Padding.explicit(before: p, after: p), ceil = c.bool("ceilMode"), include = c.bool("countIncludePad")
            let y: Tensor
            switch c.op {
            case "maxPool1d": y = try MaxPool1D(kernelSize: k[0], stride: s[0], padding: padding, dilation: c.ints("dilation")[0], ceilMode: ceil)(x)
            case "avgPool1d": y = try AvgPool1D(kernelSize: k[0], stride: s[0], padding: padding, ceilMode: ceil, countIncludePad: include)(x)
            case "maxPool3d": y = try MaxPool3D(kernelSize: SpatialSize(k), stride: SpatialSize(s), padding: padding,
                                                dilation: SpatialSize(c.ints("dilation")), ceilMode: ceil)(x)
            case "avgPool3d": y = try AvgPool3D(kernelSize: SpatialSize(k), stride: SpatialSize(s), padding: padding, ceilMode: ceil,
                                                countIncludePad: include)(x)
            case "adaptiveAvgPool": y = try x.adaptiveAvgPool(outputSize: c.ints("outputSize"))
            case "adaptiveMaxPool": y = try x.adaptiveMaxPool(outputSize: c.ints("outputSize"))
            case "lpPool1d": y = try LpPool1D(normType: c.float("normType"), kernelSize: k[0], stride: s[0], ceilMode: ceil)(x)
            case "lpPool2d": y = try LpPool2D(normType: c.float("normType"), kernelSize: SpatialSize(k), stride: SpatialSize(s), ceilMode: ceil)(x)
            default: Issue.record("unknown op \(c.op) in \(c.name)"); continue
            }
            expectMatchesPyTorch(y, try c.tensor("output"), c.name)
        }
    }

    @Test func batchNormTrainingStepsAndEvaluation() throws {
        let cases = try FixtureCase.load("normalization").filter { $0.op == "batchNorm" }
        #expect(cases.count == 4)
        for c in cases {
            let x1 = try c.tensor("x1"), channels = x1.shape[1]
            let momentum: Float? = c.float("momentum") < 0 ? nil : c.float("momentum")
            let layer: any Layer = switch x1.rank {
            case 2, 3: try BatchNorm1D(featureCount: channels, momentum: momentum)
            case 4: try BatchNorm2D(featureCount: channels, momentum: momentum)
            default: try BatchNorm3D(featureCount: channels, momentum: momentum)
            }
            try layer.namedParameters.first { $0.name == "weight" }!.parameter.assign(c.tensor("weight"))
            try layer.namedParameters.first { $0.name == "bias" }!.parameter.assign(c.tensor("bias"))
            expectMatchesPyTorch(try layer(x1), try c.tensor("y1"), "\(c.name) step 1")
            expectMatchesPyTorch(try layer(c.tensor("x2")), try c.tensor("y2"), "\(c.name) step 2")
            let buffers = Dictionary(uniqueKeysWithValues: layer.namedBuffers.map { ($0.name, $0.buffer.value) })
            expectMatchesPyTorch(buffers["running_mean"]!, try c.tensor("running_mean"), "\(c.name) running_mean")
            expectMatchesPyTorch(buffers["running_var"]!, try c.tensor("running_var"), "\(c.name) running_var")
            #expect(buffers["num_batches_tracked"]?.scalars == [2])
            layer.eval()
            expectMatchesPyTorch(try layer(c.tensor("x3")), try c.tensor("y3"), "\(c.name) eval")
        }
    }

    @Test func localResponseNorm() throws {
        let cases = try FixtureCase.load("normalization").filter { $0.op == "localResponseNorm" }
        #expect(cases.count == 3)
        for c in cases {
            let layer = try LocalResponseNorm(size: Int(c.float("size")), alpha: c.float("alpha"),
                                              beta: c.float("beta"), k: c.float("k"))
            expectMatchesPyTorch(try layer(c.tensor("input")), try c.tensor("output"), c.name)
        }
    }

    @Test func activations() throws {
        let cases = try FixtureCase.load("activations")
        #expect(cases.count == 6)
        for c in cases {
            let x = try c.tensor("input")
            let y: Tensor
            switch c.op {
            case "leakyRelu": y = try LeakyReLU(negativeSlope: c.float("negativeSlope"))(x)
            case "elu": y = try ELU(alpha: c.float("alpha"))(x)
            case "prelu":
                let w = try c.tensor("weight")
                let layer = try PReLU(parameterCount: w.count)
                try layer.weight.assign(w)
                y = try layer(x)
            default: Issue.record("unknown op \(c.op) in \(c.name)"); continue
            }
            expectMatchesPyTorch(y, try c.tensor("output"), c.name)
        }
    }
}
