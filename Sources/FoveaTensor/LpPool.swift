// Power-average (Lp) pooling, PyTorch's LPPool1d/2d: (Σ x^p)^(1/p) over each window, computed as
// PyTorch does — average pooling of x^p, times the window size, to the power 1/p — and the
// element-wise power it needs. p = 1 is sum pooling, p → ∞ approaches max pooling, p = 2 is the
// Euclidean norm of the window (Boureau et al. 2010).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Tensor {
    /// `x^exponent` element-wise (NaN for a negative `x` and a non-integer exponent, as `powf`).
    /// The derivative is `exponent·x^(exponent − 1)`.
    public func power(_ exponent: Float) -> Tensor {
        let value = mapValue { powf($0, exponent) }
        return Tensor.recording(value, inputs: [self]) { [self] g, _ in
            let dx = Tensor(uninitializedShape: g.shape)
            let x = self.pointer, dy = g.pointer, out = dx.storage.pointer
            for i in 0..<g.count { out[i] = dy[i] * exponent * powf(x[i], exponent - 1) }
            return [dx]
        }
    }

    /// Lp pooling of an NCL batch: `[N, C, L]` → `[N, C, Lout]` with
    /// `Lout = (L − k) / stride + 1` (ceil with `ceilMode`); each output is `(Σ x^p)^(1/p)` over its
    /// window. With `ceilMode`, a window cut off by the input's end is scaled as PyTorch does: its
    /// mean of `x^p` times the full `k`.
    /// - Throws: ``TensorError`` for a norm type that is not positive and finite, an input that is not
    ///   rank 3, or a window that does not fit.
    public func lpPool1d(normType p: Float, kernelSize: Int, stride: Int? = nil, ceilMode: Bool = false) throws -> Tensor {
        try Tensor.checkNormType(p, operation: "lpPool1d")
        let pooled = try Tensor.renamingErrors("lpPool1d") { try power(p).avgPool1d(kernelSize: kernelSize, stride: stride, ceilMode: ceilMode) }
        return (pooled * Float(kernelSize)).power(1 / p)
    }

    /// Lp pooling of an NCHW batch: `[N, C, H, W]` → `[N, C, P, Q]` with `P = (H − kh) / stride + 1`
    /// (likewise Q, ceil with `ceilMode`); each output is `(Σ x^p)^(1/p)` over its kh×kw window.
    /// - Throws: as ``lpPool1d(normType:kernelSize:stride:ceilMode:)``, for an input that is not rank 4.
    public func lpPool2d(normType p: Float, kernelSize: [Int], stride: [Int]? = nil, ceilMode: Bool = false) throws -> Tensor {
        try Tensor.checkNormType(p, operation: "lpPool2d")
        let k = try Tensor.pair(kernelSize, name: "kernel size", operation: "lpPool2d")
        let pooled = try Tensor.renamingErrors("lpPool2d") { try power(p).avgPool2d(kernelSize: k, stride: stride, ceilMode: ceilMode) }
        return (pooled * Float(k[0] * k[1])).power(1 / p)
    }

    /// Runs `body`, reporting an invalid-argument error as `operation`'s (the user called it).
    private static func renamingErrors(_ operation: String, _ body: () throws -> Tensor) throws -> Tensor {
        do {
            return try body()
        } catch TensorError.invalidArgument(_, let reason) {
            throw TensorError.invalidArgument(operation: operation, reason: reason)
        }
    }

    private static func checkNormType(_ p: Float, operation: String) throws {
        guard p.isFinite, p > 0 else {
            throw TensorError.invalidArgument(operation: operation, reason: "norm type \(p) must be positive and finite")
        }
    }
}
