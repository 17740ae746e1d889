// Softmax, log-softmax and the fused softmax cross-entropy loss (numerically stable: the
// maximum is subtracted before exponentiating).

import FoveaKernels

extension Tensor {
    private func axisSplit(_ axis: Int) -> (outer: Int, length: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    /// eˣ / Σ eˣ along `axis` (default: the last).
    /// - Throws: for a bad axis.
    public func softmax(alongAxis axis: Int = -1) throws -> Tensor {
        let (o, l, i) = axisSplit(try normalizedAxis(axis, operation: "softmax"))
        let value = Tensor(uninitializedShape: shape)
        FoveaKernels.softmax(output: value.storage.pointer, input: pointer, outer: o, axis: l, inner: i)
        return Tensor.recording(value, inputs: [self]) { g, _ in
            let dx = Tensor(zeroedShape: g.shape)
            softmaxBackward(dInput: dx.storage.pointer, dOutput: g.pointer, output: value.pointer, outer: o, axis: l, inner: i)
            return [dx]
        }
    }

    /// x − log Σ eˣ along `axis` (default: the last).
    /// - Throws: for a bad axis.
    public func logSoftmax(alongAxis axis: Int = -1) throws -> Tensor {
        let (o, l, i) = axisSplit(try normalizedAxis(axis, operation: "logSoftmax"))
        let value = Tensor(uninitializedShape: shape)
        FoveaKernels.logSoftmax(output: value.storage.pointer, input: pointer, outer: o, axis: l, inner: i)
        return Tensor.recording(value, inputs: [self]) { g, _ in
            let dx = Tensor(zeroedShape: g.shape)
            logSoftmaxBackward(dInput: dx.storage.pointer, dOutput: g.pointer, output: value.pointer, outer: o, axis: l, inner: i)
            return [dx]
        }
    }

    /// Mean cross-entropy between `logits [N, classes]` and integer `labels` (N of them, each in
    /// `0..<classes`): `−mean(log softmax(logits)[n, label_n])`, as PyTorch's `cross_entropy`.
    /// - Throws: when the logits are not rank 2, the label count differs from N, or a label is out
    ///   of range (naming it and its position).
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int32]) throws -> Tensor {
        guard logits.rank == 2 else {
            throw TensorError.invalidArgument(operation: "softmaxCrossEntropy", reason: "logits of shape \(logits.shape) are not [N, classes]")
        }
        let (n, classes) = (logits.shape[0], logits.shape[1])
        guard labels.count == n else {
            throw TensorError.invalidArgument(operation: "softmaxCrossEntropy", reason: "\(labels.count) labels for a batch of \(n)")
        }
        if let bad = labels.firstIndex(where: { $0 < 0 || Int($0) >= classes }) {
            throw TensorError.indexOutOfRange(operation: "softmaxCrossEntropy (label at position \(bad))", index: Int(labels[bad]), range: 0..<classes)
        }
        let logProbabilities = Tensor(uninitializedShape: logits.shape)
        FoveaKernels.logSoftmax(output: logProbabilities.storage.pointer, input: logits.pointer, outer: n, axis: classes, inner: 1)
        var total: Double = 0
        for (row, label) in labels.enumerated() { total -= Double(logProbabilities.pointer[row * classes + Int(label)]) }
        let value = Tensor(scalar: n == 0 ? 0 : Float(total / Double(n)))
        return recording(value, inputs: [logits]) { g, _ in
            // d/dlogits = (softmax − onehot) / N, scaled by the incoming gradient.
            let dx = Tensor(uninitializedShape: [n, classes])
            let scale = n == 0 ? 0 : g.pointer[0] / Float(n)
            for row in 0..<n {
                for c in 0..<classes {
                    let p = expf(logProbabilities.pointer[row * classes + c])
                    dx.storage.pointer[row * classes + c] = scale * (p - (c == Int(labels[row]) ? 1 : 0))
                }
            }
            return [dx]
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
