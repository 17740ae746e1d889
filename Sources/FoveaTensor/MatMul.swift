// Matrix products through SGEMM: `matmul` and the fused `linear` (x·Wᵀ + b) that dense layers use.

import FoveaKernels

extension Tensor {
    /// The matrix product of two rank-2 tensors: [m, k] · [k, n] → [m, n].
    /// - Throws: when either is not rank 2 or the inner dimensions differ.
    public func matmul(_ other: Tensor) throws -> Tensor {
        guard rank == 2, other.rank == 2, shape[1] == other.shape[0] else {
            throw TensorError.shapeMismatch(operation: "matmul", shape, other.shape, reason: "expected [m, k] and [k, n]")
        }
        let (m, k, n) = (shape[0], shape[1], other.shape[1])
        let value = Tensor(uninitializedShape: [m, n])
        sgemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: pointer, lda: k,
              b: other.pointer, ldb: n, beta: 0, c: value.storage.pointer, ldc: n)
        return Tensor.recording(value, inputs: [self, other]) { [self] g, needed in
            var da: Tensor?, db: Tensor?
            if needed[0] {  // dA = g · Bᵀ
                let d = Tensor(uninitializedShape: [m, k])
                sgemm(transA: false, transB: true, m: m, n: k, k: n, alpha: 1, a: g.pointer, lda: n,
                      b: other.pointer, ldb: n, beta: 0, c: d.storage.pointer, ldc: k)
                da = d
            }
            if needed[1] {  // dB = Aᵀ · g
                let d = Tensor(uninitializedShape: [k, n])
                sgemm(transA: true, transB: false, m: k, n: n, k: m, alpha: 1, a: self.pointer, lda: k,
                      b: g.pointer, ldb: n, beta: 0, c: d.storage.pointer, ldc: n)
                db = d
            }
            return [da, db]
        }
    }

    /// The affine map of a dense layer: `input [N, in] · weightᵀ + bias`, with weight `[out, in]`
    /// (PyTorch's layout) and optional bias `[out]`. Output `[N, out]`.
    /// - Throws: when the shapes disagree (naming both).
    public static func linear(_ input: Tensor, weight: Tensor, bias: Tensor?) throws -> Tensor {
        guard input.rank == 2, weight.rank == 2, input.shape[1] == weight.shape[1] else {
            throw TensorError.shapeMismatch(operation: "linear", input.shape, weight.shape, reason: "expected input [N, in] and weight [out, in]")
        }
        let (batch, fanIn, fanOut) = (input.shape[0], input.shape[1], weight.shape[0])
        if let bias, bias.shape != [fanOut] {
            throw TensorError.shapeMismatch(operation: "linear", weight.shape, bias.shape, reason: "bias must be [\(fanOut)]")
        }
        let value = Tensor(uninitializedShape: [batch, fanOut])
        let y = value.storage.pointer
        if let bias {
            for n in 0..<batch { (y + n * fanOut).update(from: bias.pointer, count: fanOut) }
        }
        sgemm(transA: false, transB: true, m: batch, n: fanOut, k: fanIn, alpha: 1, a: input.pointer, lda: fanIn,
              b: weight.pointer, ldb: fanIn, beta: bias == nil ? 0 : 1, c: y, ldc: fanOut)
        let inputs = bias.map { [input, weight, $0] } ?? [input, weight]
        return recording(value, inputs: inputs) { g, needed in
            var grads: [Tensor?] = [nil, nil, nil]
            if needed[0] {  // dx = g · W
                let d = Tensor(uninitializedShape: [batch, fanIn])
                sgemm(transA: false, transB: false, m: batch, n: fanIn, k: fanOut, alpha: 1, a: g.pointer, lda: fanOut,
                      b: weight.pointer, ldb: fanIn, beta: 0, c: d.storage.pointer, ldc: fanIn)
                grads[0] = d
            }
            if needed[1] {  // dW = gᵀ · x
                let d = Tensor(uninitializedShape: [fanOut, fanIn])
                sgemm(transA: true, transB: false, m: fanOut, n: fanIn, k: batch, alpha: 1, a: g.pointer, lda: fanOut,
                      b: input.pointer, ldb: fanIn, beta: 0, c: d.storage.pointer, ldc: fanIn)
                grads[1] = d
            }
            if needed.count > 2 && needed[2] { grads[2] = g.sumValue(axis: 0).reshapedValue([fanOut]) }
            return Array(grads.prefix(inputs.count))
        }
    }
}
