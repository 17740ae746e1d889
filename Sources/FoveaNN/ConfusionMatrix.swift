// ConfusionMatrix: counts of (true class, predicted class) pairs over a labelled set, and the
// accuracy, per-class precision, recall and support computed from them (as scikit-learn's
// `confusion_matrix` and `classification_report`: rows are true classes, columns predictions).

/// Counts of predictions per (true class, predicted class): `counts[t][p]` images of class `t`
/// were predicted as `p`. Rows are true classes, columns predicted classes.
///
/// ```swift
/// var matrix = try ConfusionMatrix(classCount: 10)
/// try matrix.add(logits: model(batch.images), labels: batch.labels)   // logits [N, 10]
/// print(matrix.accuracy, matrix.precision(of: 3), matrix.recall(of: 3))
/// ```
public struct ConfusionMatrix: Equatable, Sendable {
    /// The number of classes: the matrix is `classCount × classCount`.
    public let classCount: Int
    /// `counts[trueClass][predictedClass]`.
    public private(set) var counts: [[Int]]

    /// An empty matrix for `classCount` classes.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` for `classCount` < 1.
    public init(classCount: Int) throws {
        guard classCount >= 1 else {
            throw TensorError.invalidArgument(operation: "ConfusionMatrix", reason: "class count \(classCount) must be at least 1")
        }
        self.classCount = classCount
        counts = Array(repeating: Array(repeating: 0, count: classCount), count: classCount)
    }

    /// Counts one prediction per pair of `predictions` and `labels`.
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` when the counts differ or a class is outside `0..<classCount`.
    public mutating func add(predictions: [Int], labels: [Int32]) throws {
        guard predictions.count == labels.count else {
            throw TensorError.invalidArgument(operation: "ConfusionMatrix.add", reason: "\(predictions.count) predictions and \(labels.count) labels do not pair up")
        }
        for (p, t) in zip(predictions, labels) {
            guard (0..<classCount).contains(p), (0..<classCount).contains(Int(t)) else {
                throw TensorError.invalidArgument(operation: "ConfusionMatrix.add", reason: "class \((0..<classCount).contains(p) ? Int(t) : p) is outside 0..<\(classCount)")
            }
        }
        for (p, t) in zip(predictions, labels) { counts[Int(t)][p] += 1 }
    }

    /// Counts the arg-max of each row of `logits [N, classCount]` against its label.
    /// - Throws: when `logits` is not `[labels.count, classCount]`.
    public mutating func add(logits: Tensor, labels: [Int32]) throws {
        guard logits.rank == 2, logits.shape[0] == labels.count, logits.shape[1] == classCount else {
            throw TensorError.invalidArgument(operation: "ConfusionMatrix.add", reason: "logits \(logits.shape) do not match \(labels.count) labels of \(classCount) classes")
        }
        try add(predictions: logits.argmax(alongAxis: 1), labels: labels)
    }

    /// All counted predictions.
    public var total: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }

    /// Correct predictions over all predictions (the diagonal over the total); 0 when empty.
    public var accuracy: Double {
        let correct = (0..<classCount).reduce(0) { $0 + counts[$1][$1] }
        return total > 0 ? Double(correct) / Double(total) : 0
    }

    /// Images whose true class is `c` (row sum).
    public func support(of c: Int) -> Int { counts[c].reduce(0, +) }

    /// Images predicted as `c` (column sum).
    public func predicted(_ c: Int) -> Int { counts.reduce(0) { $0 + $1[c] } }

    /// Of the images predicted as `c`, the fraction that are `c`: `TP / (TP + FP)`; nil when nothing was predicted as `c`.
    public func precision(of c: Int) -> Double? {
        let n = predicted(c)
        return n > 0 ? Double(counts[c][c]) / Double(n) : nil
    }

    /// Of the images of class `c`, the fraction predicted as `c`: `TP / (TP + FN)`; nil when class `c` has no images.
    public func recall(of c: Int) -> Double? {
        let n = support(of: c)
        return n > 0 ? Double(counts[c][c]) / Double(n) : nil
    }

    /// The harmonic mean of precision and recall; nil when either is undefined, 0 when both are 0.
    public func f1(of c: Int) -> Double? {
        guard let p = precision(of: c), let r = recall(of: c) else { return nil }
        return p + r > 0 ? 2 * p * r / (p + r) : 0
    }

    /// The matrix as a text table with class names as row and column headings (rows true, columns predicted).
    /// - Parameter classNames: one name per class; missing names become the class index.
    public func table(classNames: [String]) -> String {
        let names = (0..<classCount).map { $0 < classNames.count ? classNames[$0] : String($0) }
        let rowWidth = max(names.map(\.count).max() ?? 0, "true \\ predicted".count)
        // Each column as wide as its name or its largest count.
        let widths = (0..<classCount).map { c in max(names[c].count, counts.map { String($0[c]).count }.max() ?? 1) }
        func pad(_ s: String, _ w: Int, left: Bool) -> String {
            let fill = String(repeating: " ", count: max(w - s.count, 0))
            return left ? s + fill : fill + s
        }
        var lines = [pad("true \\ predicted", rowWidth, left: true) + "  " + names.indices.map { pad(names[$0], widths[$0], left: false) }.joined(separator: " ")]
        for t in 0..<classCount {
            lines.append(pad(names[t], rowWidth, left: true) + "  " + counts[t].indices.map { pad(String(counts[t][$0]), widths[$0], left: false) }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }
}
