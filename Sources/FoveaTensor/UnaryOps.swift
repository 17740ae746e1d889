// Element-wise functions of one tensor: activations and elementary functions, each with its
// derivative expressed through the input x or the output y, whichever is cheaper.

import FoveaKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// `f` applied to every element (not recorded).
    func mapValue(_ f: (Float) -> Float) -> Tensor {
        let out = Tensor(uninitializedShape: shape)
        let x = pointer, y = out.storage.pointer
        for i in 0..<count { y[i] = f(x[i]) }
        return out
    }

    /// Records `value = f(self)` with the derivative `dydx(x, y)` applied element-wise.
    private func unary(_ value: Tensor, derivative: @escaping (_ x: Float, _ y: Float) -> Float) -> Tensor {
        Tensor.recording(value, inputs: [self]) { [self] g, _ in
            let out = Tensor(uninitializedShape: g.shape)
            let x = self.pointer, y = value.pointer, dy = g.pointer, dx = out.storage.pointer
            for i in 0..<g.count { dx[i] = dy[i] * derivative(x[i], y[i]) }
            return [out]
        }
    }

    /// max(x, 0). The derivative at 0 is taken as 0, as in PyTorch.
    public func relu() -> Tensor {
        let value = Tensor(uninitializedShape: shape)
        reluForward(output: value.storage.pointer, input: pointer, count: count)
        return Tensor.recording(value, inputs: [self]) { [self] g, _ in
            let dx = Tensor(zeroedShape: shape)
            reluBackward(dInput: dx.storage.pointer, dOutput: g.pointer, input: self.pointer, count: count)
            return [dx]
        }
    }

    /// eˣ element-wise.
    public func exp() -> Tensor { unary(mapValue { expf($0) }) { _, y in y } }
    /// Natural logarithm element-wise (−∞ at 0, NaN below).
    public func log() -> Tensor { unary(mapValue { logf($0) }) { x, _ in 1 / x } }
    /// √x element-wise.
    public func sqrt() -> Tensor { unary(mapValue { sqrtf($0) }) { _, y in 0.5 / y } }
    /// x² element-wise.
    public func squared() -> Tensor { unary(mapValue { $0 * $0 }) { x, _ in 2 * x } }
    /// |x| element-wise (derivative 0 at 0).
    public func abs() -> Tensor { unary(mapValue { Swift.abs($0) }) { x, _ in x > 0 ? 1 : (x < 0 ? -1 : 0) } }
    /// tanh x element-wise.
    public func tanh() -> Tensor { unary(mapValue { tanhf($0) }) { _, y in 1 - y * y } }
    /// The logistic function 1 / (1 + e⁻ˣ), computed without overflow.
    public func sigmoid() -> Tensor {
        unary(mapValue { x in x >= 0 ? 1 / (1 + expf(-x)) : expf(x) / (1 + expf(x)) }) { _, y in y * (1 - y) }
    }
}
