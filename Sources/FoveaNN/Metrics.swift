// Classification metrics.

/// The number of rows of `logits [N, classes]` whose largest entry is at the row's label.
/// - Throws: when the logits are not rank 2 or the label count differs from N.
public func correctPredictions(logits: Tensor, labels: [Int32]) throws -> Int {
    guard logits.rank == 2, logits.shape[0] == labels.count else {
        throw TensorError.invalidArgument(operation: "correctPredictions", reason: "logits \(logits.shape) and \(labels.count) labels do not pair up")
    }
    return zip(try logits.argmax(alongAxis: 1), labels).filter { $0 == Int($1) }.count
}

/// Counts of right and wrong pixel labels, over all pixels and over the pixels whose true label
/// is not the background: in images that are mostly background, the second tells what the
/// network learned about the objects.
///
/// ```swift
/// var accuracy = PixelAccuracy()
/// try accuracy.add(logits: net(images), labels: pixelLabels)   // logits [N, classes, H, W]
/// print(accuracy.accuracy, accuracy.foregroundAccuracy)
/// ```
public struct PixelAccuracy: Equatable, Sendable {
    /// The label of background pixels (excluded from the foreground counts); nil for none.
    public let background: Int32?
    /// Pixels labelled right, and all pixels counted.
    public private(set) var correct = 0, total = 0
    /// The same over the pixels whose true label is not `background`.
    public private(set) var foregroundCorrect = 0, foregroundTotal = 0

    public init(background: Int32? = 0) { self.background = background }

    /// Counts the arg-max class of each pixel of `logits [N, classes, H, W]` against `labels`
    /// (N·H·W class indices in (image, row, column) order).
    /// - Throws: ``TensorError/invalidArgument(operation:reason:)`` when the logits are not rank 4
    ///   or the label count is not N·H·W.
    public mutating func add(logits: Tensor, labels: [Int32]) throws {
        guard logits.rank == 4, logits.shape[0] * logits.shape[2] * logits.shape[3] == labels.count else {
            throw TensorError.invalidArgument(operation: "PixelAccuracy.add",
                                              reason: "logits \(logits.shape) and \(labels.count) pixel labels do not pair up")
        }
        for (predicted, label) in zip(try logits.argmax(alongAxis: 1), labels) {
            let right = predicted == Int(label) ? 1 : 0
            correct += right
            total += 1
            if label != background { foregroundCorrect += right; foregroundTotal += 1 }
        }
    }

    /// Right over counted pixels; 0 before any.
    public var accuracy: Double { total > 0 ? Double(correct) / Double(total) : 0 }
    /// Right over counted foreground pixels; 0 before any.
    public var foregroundAccuracy: Double { foregroundTotal > 0 ? Double(foregroundCorrect) / Double(foregroundTotal) : 0 }
}
