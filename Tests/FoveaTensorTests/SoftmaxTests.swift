// softmax, logSoftmax and softmaxCrossEntropy: gradient checks, hand computations, stability.

import Foundation
import FoveaTensor
import Testing
import _FoveaTestSupport

@Suite struct SoftmaxTests {
    @Test(arguments: [0, 1, -1]) func softmaxGradient(axis: Int) throws {
        try expectGradients([try uniform([3, 4], -2, 2)], "rank 2, axis \(axis)") { try $0[0].softmax(alongAxis: axis) }
        try expectGradients([try uniform([2, 3, 4], -2, 2)], "rank 3, axis \(axis)") { try $0[0].softmax(alongAxis: axis) }
    }

    @Test(arguments: [0, 1, -1]) func logSoftmaxGradient(axis: Int) throws {
        try expectGradients([try uniform([3, 4], -2, 2)], "rank 2, axis \(axis)") { try $0[0].logSoftmax(alongAxis: axis) }
        try expectGradients([try uniform([2, 3, 4], -2, 2)], "rank 3, axis \(axis)") { try $0[0].logSoftmax(alongAxis: axis) }
    }

    @Test func softmaxCrossEntropyGradient() throws {
        try expectGradients([try uniform([4, 5], -2, 2)]) { try Tensor.softmaxCrossEntropy(logits: $0[0], labels: [0, 4, 2, 2]) }
        try expectGradients([try uniform([1, 3], -2, 2)], "batch of one") { try Tensor.softmaxCrossEntropy(logits: $0[0], labels: [1]) }
    }

    @Test func softmaxValues() throws {
        let x = try Tensor(shape: [2, 3], scalars: [1, 2, 3, 0, 0, 0])
        expectValues(try x.softmax(), shape: [2, 3], [0.09003057, 0.24472847, 0.66524096, 1.0 / 3, 1.0 / 3, 1.0 / 3])
        expectValues(try x.logSoftmax(), shape: [2, 3], [-2.40760596, -1.40760596, -0.40760596, -1.09861229, -1.09861229, -1.09861229])
        // Along axis 0 each column is normalised: columns (1, 0), (2, 0), (3, 0).
        let columns = try x.softmax(alongAxis: 0)
        expectValues(columns, shape: [2, 3], [0.73105858, 0.88079708, 0.95257413, 0.26894142, 0.11920292, 0.04742587])
    }

    @Test func largeLogitsStayFinite() throws {
        // Float32 spacing near 1000 is 6e-5, so the log-sum-exp carries that much rounding.
        let x = try Tensor(shape: [1, 2], scalars: [1000, 1001])
        expectValues(try x.softmax(), shape: [1, 2], [0.26894142, 0.73105858], tolerance: 1e-4)
        expectValues(try x.logSoftmax(), shape: [1, 2], [-1.31326169, -0.31326169], tolerance: 1e-4)
        let loss = try Tensor.softmaxCrossEntropy(logits: x, labels: [0])
        #expect(Swift.abs(try loss.item() - 1.31326169) < 1e-4)
    }

    /// softmaxCrossEntropy against the definition, computed in Double.
    @Test func crossEntropyByHand() throws {
        let logits: [[Double]] = [[1, 2, 3], [0, 0, 0], [-1, 0.5, 2]]
        let labels: [Int32] = [2, 0, 1]
        var expected = 0.0
        for (row, label) in zip(logits, labels) {
            let logSum = Foundation.log(row.map { Foundation.exp($0) }.reduce(0, +))
            expected += logSum - row[Int(label)]
        }
        expected /= Double(logits.count)
        let x = try Tensor(shape: [3, 3], scalars: logits.flatMap { $0.map(Float.init) }).requiringGradient()
        let loss = try Tensor.softmaxCrossEntropy(logits: x, labels: labels)
        #expect(loss.shape == [])
        #expect(Swift.abs(Double(try loss.item()) - expected) < 1e-6)
        // First row by hand: log(1 + e⁻¹ + e⁻²) = 0.40760596; second: log 3; mean with the third.
        #expect(Swift.abs(expected - (0.40760596 + 1.09861229 + 1.74131130) / 3) < 1e-6)
        // Gradient (softmax − onehot) / N.
        try loss.backward()
        let g = x.gradient!.scalars
        #expect(Swift.abs(g[2] - (0.66524096 - 1) / 3) < 1e-6)
        #expect(Swift.abs(g[3] - (1.0 / 3 - 1) / 3) < 1e-6)
        #expect(Swift.abs(g[4] - (1.0 / 3) / 3) < 1e-6)
    }

    @Test func crossEntropyMatchesLogSoftmaxComposition() throws {
        let x = try uniform([3, 4], -2, 2)
        let labels: [Int32] = [3, 0, 1]
        let fused = try Tensor.softmaxCrossEntropy(logits: x, labels: labels).item()
        let logProbabilities = try x.logSoftmax().scalars
        let composed = -labels.enumerated().map { logProbabilities[$0.offset * 4 + Int($0.element)] }.reduce(0, +) / 3
        #expect(Swift.abs(fused - composed) < 1e-5)
    }
}
