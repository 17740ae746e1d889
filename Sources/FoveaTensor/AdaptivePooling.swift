// Differentiable adaptive and global pooling for 1-D, 2-D and 3-D inputs ([N, C, L],
// [N, C, H, W], [N, C, D, H, W]): the output size is fixed and the windows adapt to the input,
// so inputs of different sizes give one output size.

import FoveaKernels

extension Tensor {
    /// Adaptive average pooling: `[N, C, spatial…]` → `[N, C, outputSize…]`, output `i` of an axis of
    /// size `in` averaging inputs `⌊i·in/out⌋ ..< ⌈(i + 1)·in/out⌉` (PyTorch's rule).
    /// - Parameter outputSize: one size per spatial axis, or one size for all of them.
    /// - Throws: ``TensorError`` when the input is not rank 3 to 5 or a size is not positive.
    public func adaptiveAvgPool(outputSize: [Int]) throws -> Tensor {
        let g = try adaptiveGeometry(outputSize, operation: "adaptiveAvgPool")
        let value = Tensor(uninitializedShape: Array(shape[..<2]) + g.output)
        adaptiveAvgPoolForward(output: value.storage.pointer, input: pointer, geometry: g)
        let inputShape = shape
        return Tensor.recording(value, inputs: [self]) { grad, _ in
            let dx = Tensor(zeroedShape: inputShape)
            adaptiveAvgPoolBackward(dInput: dx.storage.pointer, dOutput: grad.pointer, geometry: g)
            return [dx]
        }
    }

    /// Adaptive max pooling (windows as ``adaptiveAvgPool(outputSize:)``); the gradient flows to
    /// the first maximal element of each window.
    /// - Throws: ``TensorError`` when the input is not rank 3 to 5 or a size is not positive.
    public func adaptiveMaxPool(outputSize: [Int]) throws -> Tensor {
        let g = try adaptiveGeometry(outputSize, operation: "adaptiveMaxPool")
        let value = Tensor(uninitializedShape: Array(shape[..<2]) + g.output)
        var argmax = [Int32](repeating: 0, count: value.count)
        argmax.withUnsafeMutableBufferPointer { arg in
            adaptiveMaxPoolForward(output: value.storage.pointer, argmax: arg.baseAddress, input: pointer, geometry: g)
        }
        let inputShape = shape
        return Tensor.recording(value, inputs: [self]) { grad, _ in
            let dx = Tensor(zeroedShape: inputShape)
            argmax.withUnsafeBufferPointer { arg in
                adaptiveMaxPoolBackward(dInput: dx.storage.pointer, dOutput: grad.pointer, argmax: arg.baseAddress!, geometry: g)
            }
            return [dx]
        }
    }

    /// The mean over every spatial axis: `[N, C, spatial…]` → `[N, C]` (or `[N, C, 1, …]` when
    /// `keepingDimensions`), as in network-in-network and GoogLeNet heads.
    /// - Throws: ``TensorError`` when the input is not rank 3 to 5 or has an empty spatial axis.
    public func globalAvgPool(keepingDimensions: Bool = false) throws -> Tensor {
        try checkGlobalPoolInput(operation: "globalAvgPool")
        return try mean(alongAxes: Array(2..<rank), keepingDimensions: keepingDimensions)
    }

    /// The maximum over every spatial axis: `[N, C, spatial…]` → `[N, C]` (or `[N, C, 1, …]` when
    /// `keepingDimensions`); the gradient flows to the first maximal element.
    /// - Throws: ``TensorError`` when the input is not rank 3 to 5 or has an empty spatial axis.
    public func globalMaxPool(keepingDimensions: Bool = false) throws -> Tensor {
        try checkGlobalPoolInput(operation: "globalMaxPool")
        let pooled = try reshaped(to: [shape[0], shape[1], -1]).max(alongAxis: 2)
        return keepingDimensions ? try pooled.reshaped(to: Array(shape[..<2]) + [Int](repeating: 1, count: rank - 2)) : pooled
    }

    private func checkGlobalPoolInput(operation: String) throws {
        guard (3...5).contains(rank), shape[2...].allSatisfy({ $0 >= 1 }) else {
            throw TensorError.invalidArgument(operation: operation,
                                              reason: "input of shape \(shape) is not [N, C, L], [N, C, H, W] or [N, C, D, H, W] with non-empty spatial axes")
        }
    }

    private func adaptiveGeometry(_ outputSize: [Int], operation: String) throws -> AdaptivePoolGeometry {
        guard (3...5).contains(rank) else {
            throw TensorError.invalidArgument(operation: operation, reason: "input of shape \(shape) is not [N, C, L], [N, C, H, W] or [N, C, D, H, W]")
        }
        let dims = rank - 2
        let output = outputSize.count == 1 ? [Int](repeating: outputSize[0], count: dims) : outputSize
        guard output.count == dims else {
            throw TensorError.invalidArgument(operation: operation, reason: "output size \(outputSize) needs 1 or \(dims) values for input \(shape)")
        }
        let g = AdaptivePoolGeometry(planes: shape[0] * shape[1], input: Array(shape[2...]), output: output)
        if let failure = g.validationFailure {
            throw TensorError.invalidArgument(operation: operation, reason: "input \(shape), output size \(outputSize): \(failure)")
        }
        return g
    }
}
