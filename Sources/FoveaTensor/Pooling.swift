// Differentiable 2-D max and average pooling over NCHW batches.
// N batch, C channels, H×W input, R×S window, P×Q output.

import FoveaKernels

extension Tensor {
    /// Max pooling of an NCHW batch: each output is the maximum of an R×S window.
    ///
    /// `P = (H + padTop + padBottom − dilation·(R − 1) − 1) / stride + 1` (rounded up with `ceilMode`,
    /// dropping a window that would start in the bottom/right padding, as PyTorch does). Padding never
    /// wins. The gradient flows to the first maximal element of each window.
    /// - Parameters: kernelSize, stride (default: the kernel size), dilation: one value or `[height, width]`.
    /// - Throws: ``TensorError`` when the input is not rank 4, the window does not fit, or the padding
    ///   exceeds half the window on a side.
    public func maxPool2d(kernelSize: [Int], stride: [Int]? = nil, padding: Padding = .valid,
                          dilation: [Int] = [1], ceilMode: Bool = false) throws -> Tensor {
        let g = try poolGeometry(kernelSize: kernelSize, stride: stride, padding: padding, dilation: dilation,
                                 ceilMode: ceilMode, operation: "maxPool2d")
        let value = Tensor(uninitializedShape: [g.batch, g.channels, g.outputHeight, g.outputWidth])
        // The winners' positions are only needed by the backward pass.
        guard Tensor.willRecord(inputs: [self]) else {
            maxPool2dForward(output: value.storage.pointer, argmax: nil, input: pointer, geometry: g)
            return value
        }
        var argmax = [Int32](repeating: 0, count: value.count)
        argmax.withUnsafeMutableBufferPointer { arg in
            maxPool2dForward(output: value.storage.pointer, argmax: arg.baseAddress, input: pointer, geometry: g)
        }
        let inputShape = shape
        return Tensor.recording(value, inputs: [self]) { grad, _ in
            let dx = Tensor(zeroedShape: inputShape)
            argmax.withUnsafeBufferPointer { arg in
                maxPool2dBackward(dInput: dx.storage.pointer, dOutput: grad.pointer, argmax: arg.baseAddress!, geometry: g)
            }
            return [dx]
        }
    }

    /// Average pooling of an NCHW batch over R×S windows (same output size rule as ``maxPool2d``).
    /// - Parameter countIncludePad: divide by the window size including padded positions (PyTorch's
    ///   default) rather than by the number of real inputs.
    /// - Throws: ``TensorError`` when the input is not rank 4, the window does not fit, or the padding
    ///   exceeds half the window on a side.
    public func avgPool2d(kernelSize: [Int], stride: [Int]? = nil, padding: Padding = .valid,
                          ceilMode: Bool = false, countIncludePad: Bool = true) throws -> Tensor {
        let g = try poolGeometry(kernelSize: kernelSize, stride: stride, padding: padding, dilation: [1],
                                 ceilMode: ceilMode, operation: "avgPool2d")
        let value = Tensor(uninitializedShape: [g.batch, g.channels, g.outputHeight, g.outputWidth])
        avgPool2dForward(output: value.storage.pointer, input: pointer, geometry: g, countIncludePad: countIncludePad)
        let inputShape = shape
        return Tensor.recording(value, inputs: [self]) { grad, _ in
            let dx = Tensor(zeroedShape: inputShape)
            avgPool2dBackward(dInput: dx.storage.pointer, dOutput: grad.pointer, geometry: g, countIncludePad: countIncludePad)
            return [dx]
        }
    }

    func poolGeometry(kernelSize: [Int], stride: [Int]?, padding: Padding, dilation: [Int],
                              ceilMode: Bool, operation: String) throws -> Pool2DGeometry {
        guard rank == 4 else {
            throw TensorError.invalidArgument(operation: operation, reason: "input of shape \(shape) is not [N, C, H, W]")
        }
        let k = try Tensor.pair(kernelSize, name: "kernel size", operation: operation)
        let s = try Tensor.pair(stride ?? kernelSize, name: "stride", operation: operation)
        let d = try Tensor.pair(dilation, name: "dilation", operation: operation)
        let pads = try padding.resolve(input: [shape[2], shape[3]], kernel: k, stride: s, dilation: d)
        let g = Pool2DGeometry(batch: shape[0], channels: shape[1], inputHeight: shape[2], inputWidth: shape[3],
                               kernelHeight: k[0], kernelWidth: k[1], strideHeight: s[0], strideWidth: s[1],
                               padTop: pads.before[0], padBottom: pads.after[0], padLeft: pads.before[1], padRight: pads.after[1],
                               dilationHeight: d[0], dilationWidth: d[1], ceilMode: ceilMode)
        if let failure = g.validationFailure {
            throw TensorError.invalidArgument(operation: operation, reason: "input \(shape): \(failure)")
        }
        return g
    }
}
