// Classification metrics.

/// The number of rows of `logits [N, classes]` whose largest entry is at the row's label.
/// - Throws: when the logits are not rank 2 or the label count differs from N.
public func correctPredictions(logits: Tensor, labels: [Int32]) throws -> Int {
    guard logits.rank == 2, logits.shape[0] == labels.count else {
        throw TensorError.invalidArgument(operation: "correctPredictions", reason: "logits \(logits.shape) and \(labels.count) labels do not pair up")
    }
    return zip(try logits.argmax(alongAxis: 1), labels).filter { $0 == Int($1) }.count
}
