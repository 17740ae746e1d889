// Parametric and piecewise activations: leaky ReLU, PReLU (learned slopes) and ELU, with their
// pullbacks. Sigmoid, tanh and softmax live in UnaryOps.swift and Softmax.swift.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// Leaky ReLU: `x` where `x > 0`, `negativeSlope·x` elsewhere (PyTorch's `leaky_relu`).
    ///
    /// Any shape; the output has the input's shape. The derivative at 0 is `negativeSlope`, as in
    /// PyTorch.
    public func leakyRelu(negativeSlope: Float = 0.01) -> Tensor {
        let value = mapValue { $0 > 0 ? $0 : negativeSlope * $0 }
        return Tensor.recording(value, inputs: [self]) { [self] g, _ in
            let dx = Tensor(uninitializedShape: g.shape)
            let x = self.pointer, dy = g.pointer, out = dx.storage.pointer
            for i in 0..<g.count { out[i] = x[i] > 0 ? dy[i] : negativeSlope * dy[i] }
            return [dx]
        }
    }

    /// Exponential linear unit: `x` where `x > 0`, `alpha·(eˣ − 1)` elsewhere (Clevert et al. 2016;
    /// PyTorch's `elu`). Any shape.
    public func elu(alpha: Float = 1) -> Tensor {
        let value = mapValue { $0 > 0 ? $0 : alpha * expm1f($0) }
        return Tensor.recording(value, inputs: [self]) { [self] g, _ in
            let dx = Tensor(uninitializedShape: g.shape)
            let x = self.pointer, y = value.pointer, dy = g.pointer, out = dx.storage.pointer
            for i in 0..<g.count { out[i] = x[i] > 0 ? dy[i] : dy[i] * (y[i] + alpha) }
            return [dx]
        }
    }

    /// Parametric ReLU (He et al. 2015): `x` where `x > 0`, `a_c·x` elsewhere, with a learned slope
    /// per channel (axis 1) or one shared slope.
    ///
    /// - Parameter weight: the slopes, `[1]` (shared) or `[C]` with `C = shape[1]`.
    /// - Returns: the input's shape.
    /// - Throws: ``TensorError`` when `weight` is neither `[1]` nor `[C]`, or when a per-channel
    ///   weight meets an input of rank below 2.
    public func prelu(weight: Tensor) throws -> Tensor {
        let slopes = weight.count
        guard weight.rank == 1, slopes == 1 || (rank >= 2 && slopes == shape[1]) else {
            throw TensorError.shapeMismatch(operation: "prelu", shape, weight.shape,
                                            reason: "weight must be [1] or [C] with C = dimension 1 of the input")
        }
        let channels = slopes == 1 ? 1 : shape[1]
        let inner = slopes == 1 ? count : shape[2...].reduce(1, *)
        let outer = slopes == 1 ? 1 : shape[0]
        let value = Tensor(uninitializedShape: shape)
        let x = pointer, a = weight.pointer, y = value.storage.pointer
        for o in 0..<outer {
            for c in 0..<channels {
                let base = (o * channels + c) * inner, slope = a[c]
                for i in base..<(base + inner) { y[i] = x[i] > 0 ? x[i] : slope * x[i] }
            }
        }
        return Tensor.recording(value, inputs: [self, weight]) { [self] g, needed in
            let dx = needed[0] ? Tensor(uninitializedShape: shape) : nil
            let dw = needed[1] ? Tensor(zeroedShape: weight.shape) : nil
            let x = self.pointer, a = weight.pointer, dy = g.pointer
            for o in 0..<outer {
                for c in 0..<channels {
                    let base = (o * channels + c) * inner, slope = a[c]
                    var slopeGradient: Float = 0
                    for i in base..<(base + inner) {
                        let positive = x[i] > 0
                        dx?.storage.pointer[i] = positive ? dy[i] : slope * dy[i]
                        if !positive { slopeGradient += dy[i] * x[i] }
                    }
                    dw?.storage.pointer[c] += slopeGradient
                }
            }
            return [dx, dw]
        }
    }
}
