// ConfusionMatrix on a hand-worked example of three classes.

import FoveaNN
import Testing

@Suite struct ConfusionMatrixTests {
    /// Labels    0 0 0 1 1 2 2 2 2
    /// Predicted 0 0 1 1 2 2 2 2 0
    /// Rows (true): 0 → [2 1 0], 1 → [0 1 1], 2 → [1 0 3]. Correct 6 of 9.
    /// Precision: 0: 2/3, 1: 1/2, 2: 3/4. Recall: 0: 2/3, 1: 1/2, 2: 3/4. Support 3, 2, 4.
    @Test func handWorkedThreeClasses() throws {
        var m = try ConfusionMatrix(classCount: 3)
        try m.add(predictions: [0, 0, 1, 1, 2, 2, 2, 2, 0], labels: [0, 0, 0, 1, 1, 2, 2, 2, 2])
        #expect(m.counts == [[2, 1, 0], [0, 1, 1], [1, 0, 3]])
        #expect(m.total == 9)
        #expect(abs(m.accuracy - 6.0 / 9) < 1e-12)
        let precision = (0..<3).map { m.precision(of: $0)! }, recall = (0..<3).map { m.recall(of: $0)! }
        for (a, b) in zip(precision, [2.0 / 3, 1.0 / 2, 3.0 / 4]) { #expect(abs(a - b) < 1e-12) }
        for (a, b) in zip(recall, [2.0 / 3, 1.0 / 2, 3.0 / 4]) { #expect(abs(a - b) < 1e-12) }
        #expect((0..<3).map(m.support(of:)) == [3, 2, 4])
        #expect(abs(m.f1(of: 2)! - 0.75) < 1e-12)
        let table = m.table(classNames: ["cat", "dog", "bird"])
        #expect(table.contains("bird") && table.split(separator: "\n").count == 4)
    }

    @Test func logitsUseTheArgmaxAndUndefinedRatiosAreNil() throws {
        var m = try ConfusionMatrix(classCount: 3)
        // Row 0 predicts class 1, row 1 predicts class 0.
        try m.add(logits: Tensor(shape: [2, 3], scalars: [0, 5, 1, 9, 2, 3]), labels: [1, 1])
        #expect(m.counts == [[0, 0, 0], [1, 1, 0], [0, 0, 0]])
        #expect(m.precision(of: 2) == nil && m.recall(of: 2) == nil && m.recall(of: 0) == nil)
        #expect(m.precision(of: 0) == 0)
    }

    @Test func badInputIsRefused() throws {
        #expect(throws: TensorError.self) { try ConfusionMatrix(classCount: 0) }
        var m = try ConfusionMatrix(classCount: 2)
        #expect(throws: TensorError.self) { try m.add(predictions: [0, 1], labels: [0]) }
        #expect(throws: TensorError.self) { try m.add(predictions: [2], labels: [0]) }
        #expect(throws: TensorError.self) { try m.add(logits: Tensor(shape: [1, 3], scalars: [0, 1, 2]), labels: [0]) }
        #expect(m.total == 0)
    }
}
