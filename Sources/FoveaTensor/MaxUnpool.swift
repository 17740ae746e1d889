// Max pooling that also returns where each maximum came from, and max unpooling, which puts
// pooled values back at those places (PyTorch's `return_indices=True` and `max_unpool2d`).
// N batch, C channels, H×W input, P×Q pooled

import FoveaKernels

/// The positions of the maxima of a 2-D max pooling: for every pooled element `[n, c, p, q]`, the
/// flat index `h·W + w` of its winner inside input plane `(n, c)` (PyTorch's convention), or −1 for
/// a window that lies entirely in the padding.
public struct MaxPoolIndices: Hashable, Sendable {
    /// The shape of the pooled tensor, `[N, C, P, Q]`.
    public let shape: [Int]
    /// The spatial size `[H, W]` of the tensor that was pooled.
    public let inputSize: [Int]
    /// One flat index per pooled element, row-major.
    public let values: [Int32]

    public init(shape: [Int], inputSize: [Int], values: [Int32]) {
        self.shape = shape
        self.inputSize = inputSize
        self.values = values
    }
}

extension Tensor {
    /// ``maxPool2d(kernelSize:stride:padding:dilation:ceilMode:)`` that also returns the positions of
    /// the maxima, for ``maxUnpool2d(indices:kernelSize:stride:padding:outputSize:)``.
    /// - Throws: as ``maxPool2d(kernelSize:stride:padding:dilation:ceilMode:)``.
    public func maxPool2dWithIndices(kernelSize: [Int], stride: [Int]? = nil, padding: Padding = .valid,
                                     dilation: [Int] = [1], ceilMode: Bool = false) throws -> (output: Tensor, indices: MaxPoolIndices) {
        let g = try poolGeometry(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                                 ceilMode: ceilMode, operation: "maxPool2d")
        let value = Tensor(uninitializedShape: [g.batch, g.channels, g.outputHeight, g.outputWidth])
        var argmax = [Int32](repeating: 0, count: value.count)
        argmax.withUnsafeMutableBufferPointer { arg in
            maxPool2dForward(output: value.storage.pointer, argmax: arg.baseAddress, input: pointer, geometry: g)
        }
        let inputShape = shape, winners = argmax
        let output = Tensor.recording(value, inputs: [self]) { grad, _ in
            let dx = Tensor(zeroedShape: inputShape)
            winners.withUnsafeBufferPointer { arg in
                maxPool2dBackward(dInput: dx.storage.pointer, dOutput: grad.pointer, argmax: arg.baseAddress!, geometry: g)
            }
            return [dx]
        }
        return (output, MaxPoolIndices(shape: value.shape, inputSize: [g.inputHeight, g.inputWidth], values: argmax))
    }

    /// Max unpooling: `[N, C, P, Q]` → `[N, C, Hout, Wout]`, zeros except that each input element is
    /// placed at its index from ``maxPool2dWithIndices(kernelSize:stride:padding:dilation:ceilMode:)``.
    ///
    /// The default output size is PyTorch's `Hout = (P − 1)·stride − padTop − padBottom + kernel`
    /// (likewise W), which recovers the pooled input's size when the pooling had no remainder; pass
    /// `outputSize` (`[Hout, Wout]`, e.g. ``MaxPoolIndices/inputSize``) otherwise. The gradient
    /// gathers from the same positions.
    /// - Throws: ``TensorError`` when the input is not rank 4, its shape differs from the indices',
    ///   the sizes are not positive, or an index falls outside the output plane.
    public func maxUnpool2d(indices: MaxPoolIndices, kernelSize: [Int], stride: [Int]? = nil, padding: Padding = .valid,
                            outputSize: [Int]? = nil) throws -> Tensor {
        guard rank == 4 else {
            throw TensorError.invalidArgument(operation: "maxUnpool2d", reason: "input of shape \(shape) is not [N, C, P, Q]")
        }
        guard indices.shape == shape, indices.values.count == count else {
            throw TensorError.shapeMismatch(operation: "maxUnpool2d", shape, indices.shape, reason: "the indices must have the input's shape")
        }
        let k = try Tensor.pair(kernelSize, name: "kernel size", operation: "maxUnpool2d")
        let s = try Tensor.pair(stride ?? kernelSize, name: "stride", operation: "maxUnpool2d")
        let out: [Int]
        if let outputSize {
            out = outputSize
        } else {
            let pads = try padding.resolve(input: indices.inputSize, kernel: k, stride: s, dilation: [1, 1])
            out = (0..<2).map { (shape[2 + $0] - 1) * s[$0] - pads.before[$0] - pads.after[$0] + k[$0] }
        }
        guard out.count == 2, out.allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument(operation: "maxUnpool2d", reason: "output size \(out) must be two positive values")
        }
        let planeSize = out[0] * out[1]
        if let bad = indices.values.first(where: { Int($0) >= planeSize }) {
            throw TensorError.invalidArgument(operation: "maxUnpool2d", reason: "index \(bad) is outside the \(out[0])×\(out[1]) output plane")
        }
        let (planes, inPlane) = (shape[0] * shape[1], shape[2] * shape[3])
        let value = Tensor(zeroedShape: [shape[0], shape[1]] + out)
        guard count > 0 else { return value }
        let idx = indices.values
        idx.withUnsafeBufferPointer { i in
            maxUnpoolForward(output: value.storage.pointer, input: pointer, indices: i.baseAddress!, planes: planes,
                             inputPlaneSize: inPlane, outputPlaneSize: planeSize)
        }
        let inputShape = shape
        return Tensor.recording(value, inputs: [self]) { grad, _ in
            let dx = Tensor(zeroedShape: inputShape)
            idx.withUnsafeBufferPointer { i in
                maxUnpoolBackward(dInput: dx.storage.pointer, dOutput: grad.pointer, indices: i.baseAddress!, planes: planes,
                                  inputPlaneSize: inPlane, outputPlaneSize: planeSize)
            }
            return [dx]
        }
    }
}
