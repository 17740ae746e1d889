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

/// Mean cross-entropy over every pixel of `logits [N, classes, H, W]` against `labels` (N·H·W
/// class indices in (image, row, column) order) — the loss of per-pixel labelling.
/// - Throws: when the logits are not rank 4 or the labels do not match N·H·W or a label is out of range.
public func pixelCrossEntropy(logits: Tensor, labels: [Int32]) throws -> Tensor {
    guard logits.rank == 4 else {
        throw TensorError.invalidArgument(operation: "pixelCrossEntropy", reason: "logits of shape \(logits.shape) are not [N, classes, H, W]")
    }
    let rows = try logits.permuted([0, 2, 3, 1]).reshaped(to: [-1, logits.shape[1]])
    return try Tensor.softmaxCrossEntropy(logits: rows, labels: labels)
}
