// unfold and fold (im2col and col2im as differentiable tensor operations, PyTorch's `F.unfold`
// and `F.fold`), for 1, 2 or 3 spatial dimensions. Each is the other's adjoint.

import FoveaKernels

extension Tensor {
    /// The sliding blocks of `[N, C, *spatial]` as columns: `[N, C·∏kernel, L]`, L the number of
    /// block positions (`∏out`, with the convolution output-size rule). Row order is (c, kernel
    /// offsets), as in PyTorch.
    /// - Throws: when the input is not rank 3–5 or the kernel does not fit the padded input.
    public func unfolded(kernelSize: [Int], stride: [Int] = [1], padding: Padding = .valid, dilation: [Int] = [1]) throws -> Tensor {
        guard (3...5).contains(rank) else {
            throw TensorError.invalidArgument(operation: "unfold", reason: "shape \(shape) is not [N, C] followed by 1 to 3 spatial dimensions")
        }
        let g = try Tensor.unfoldGeometry(batch: shape[0], channels: shape[1], spatial: Array(shape.dropFirst(2)), kernelSize: kernelSize,
                                          stride: stride, padding: padding, dilation: dilation, operation: "unfold")
        let columns = Tensor.unfoldValue(self, geometry: g)
        let inputShape = shape
        return Tensor.recording(columns, inputs: [self]) { grad, _ in [Tensor.foldValue(grad, shape: inputShape, geometry: g)] }
    }

    /// Sums columns `[N, C·∏kernel, L]` back into `[N, C, *outputSize]` (overlapping blocks add up),
    /// the adjoint of ``unfolded(kernelSize:stride:padding:dilation:)``.
    /// - Throws: when the column shape does not match the geometry.
    public func folded(outputSize: [Int], kernelSize: [Int], stride: [Int] = [1], padding: Padding = .valid,
                       dilation: [Int] = [1]) throws -> Tensor {
        let taps = kernelSize.reduce(1, *)
        guard rank == 3, taps > 0, shape[1] % taps == 0, (1...3).contains(outputSize.count) else {
            throw TensorError.invalidArgument(operation: "fold", reason: "columns of shape \(shape) are not [N, C·\(taps), L]")
        }
        let outputShape = [shape[0], shape[1] / taps] + outputSize
        let g = try Tensor.unfoldGeometry(batch: shape[0], channels: shape[1] / taps, spatial: outputSize, kernelSize: kernelSize,
                                          stride: stride, padding: padding, dilation: dilation, operation: "fold")
        guard g.outputSize.reduce(1, *) == shape[2] else {
            throw TensorError.shapeMismatch(operation: "fold", shape, outputShape, reason: "\(shape[2]) columns, but the geometry has \(g.outputSize.reduce(1, *)) block positions")
        }
        let value = Tensor.foldValue(self, shape: outputShape, geometry: g)
        return Tensor.recording(value, inputs: [self]) { grad, _ in [Tensor.unfoldValue(grad, geometry: g)] }
    }

    static func unfoldGeometry(batch: Int, channels: Int, spatial: [Int], kernelSize: [Int], stride: [Int], padding: Padding,
                               dilation: [Int], operation: String) throws -> ConvNDGeometry {
        let dims = spatial.count
        let k = try Tensor.spread(kernelSize, dims, name: "kernel size", operation: operation)
        let s = try Tensor.spread(stride, dims, name: "stride", operation: operation)
        let d = try Tensor.spread(dilation, dims, name: "dilation", operation: operation)
        let pads = try padding.resolve(input: spatial, kernel: k, stride: s, dilation: d)
        let g = ConvNDGeometry(batch: Swift.max(batch, 1), inputChannels: Swift.max(channels, 1), outputChannels: 1, inputSize: spatial,
                               kernelSize: k, stride: s, dilation: d, padBefore: pads.before, padAfter: pads.after)
        if let failure = g.validationFailure {
            throw TensorError.invalidArgument(operation: operation, reason: "spatial size \(spatial): \(failure)")
        }
        return g
    }

    static func unfoldValue(_ x: Tensor, geometry g: ConvNDGeometry) -> Tensor {
        let (N, rows, L) = (x.shape[0], g.columnRows, g.outputSize.reduce(1, *)), X = g.inputSize.reduce(1, *)
        let out = Tensor(uninitializedShape: [N, rows, L])
        for n in 0..<N {
            vol2col(columns: out.storage.pointer + n * rows * L, image: x.pointer + n * g.inputChannels * X, geometry: g)
        }
        return out
    }

    static func foldValue(_ columns: Tensor, shape: [Int], geometry g: ConvNDGeometry) -> Tensor {
        let (N, rows, L) = (shape[0], g.columnRows, g.outputSize.reduce(1, *)), X = g.inputSize.reduce(1, *)
        let out = Tensor(zeroedShape: shape)
        for n in 0..<N {
            col2vol(image: out.storage.pointer + n * g.inputChannels * X, columns: columns.pointer + n * rows * L, geometry: g)
        }
        return out
    }
}
