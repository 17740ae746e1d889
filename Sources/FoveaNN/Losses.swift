// Loss functions.

/// Mean softmax cross-entropy between `logits [N, classes]` and integer class `labels`, computed
/// from logits in one numerically stable step (PyTorch's `F.cross_entropy`).
/// - Throws: when the shapes disagree or a label is out of range.
public func crossEntropy(logits: Tensor, labels: [Int32]) throws -> Tensor {
    try Tensor.softmaxCrossEntropy(logits: logits, labels: labels)
}

/// Mean squared error between two tensors of the same shape.
/// - Throws: when the shapes differ.
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    guard prediction.shape == target.shape else {
        throw TensorError.shapeMismatch(operation: "meanSquaredError", prediction.shape, target.shape, reason: "prediction and target must have one shape")
    }
    return try (prediction - target).squared().mean()
}
