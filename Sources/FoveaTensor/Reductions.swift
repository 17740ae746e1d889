// Reductions: sums, means and maxima over all elements or chosen axes.

import FoveaKernels

extension Tensor {
    /// Normalises an axis (negative counts from the end) or throws naming it.
    func normalizedAxis(_ axis: Int, operation: String) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0 && a < rank else {
            throw TensorError.indexOutOfRange(operation: operation, index: axis, range: -rank..<rank)
        }
        return a
    }

    /// The sum of all elements, as a rank-0 tensor.
    public func sum() -> Tensor {
        let flat = reshapedValue([1, count, 1]).sumValue(axis: 1).reshapedValue([])
        let inputShape = shape
        return Tensor.recording(flat, inputs: [self]) { g, _ in [g.broadcastValue(to: inputShape)] }
    }

    /// The mean of all elements, as a rank-0 tensor (NaN for an empty tensor).
    public func mean() -> Tensor { sum() / Float(count) }

    /// Sums over `axes` (negative axes count from the end).
    /// - Parameter keepingDimensions: keep each reduced axis with size 1.
    /// - Throws: ``TensorError/indexOutOfRange(operation:index:range:)`` for a bad axis.
    public func sum(alongAxes axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let normalized = Set(try axes.map { try normalizedAxis($0, operation: "sum") })
        var value = detached()
        for axis in normalized.sorted() { value = value.sumValue(axis: axis) }
        let kept = value.shape
        if !keepingDimensions { value = value.reshapedValue(shape.enumerated().filter { !normalized.contains($0.offset) }.map(\.element)) }
        let inputShape = shape
        return Tensor.recording(value, inputs: [self]) { g, _ in [g.reshapedValue(kept).broadcastValue(to: inputShape)] }
    }

    /// Means over `axes`. - Throws: for a bad axis.
    public func mean(alongAxes axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let normalized = Set(try axes.map { try normalizedAxis($0, operation: "mean") })
        let n = normalized.reduce(1) { $0 * shape[$1] }
        return try sum(alongAxes: Array(normalized), keepingDimensions: keepingDimensions) / Float(n)
    }

    /// Maximum over one axis; the gradient flows to the first maximal element.
    /// - Throws: for a bad axis or an empty axis.
    public func max(alongAxis axis: Int, keepingDimensions: Bool = false) throws -> Tensor {
        let a = try normalizedAxis(axis, operation: "max")
        guard shape[a] > 0 else {
            throw TensorError.invalidArgument(operation: "max", reason: "axis \(axis) of shape \(shape) is empty")
        }
        let (value, argmax) = maxValue(axis: a)
        let outer = shape[..<a].reduce(1, *), inner = shape[(a + 1)...].reduce(1, *), length = shape[a]
        let inputShape = shape
        var result = value
        if !keepingDimensions { var s = shape; s.remove(at: a); result = value.reshapedValue(s) }
        return Tensor.recording(result, inputs: [self]) { g, _ in
            let dx = Tensor(zeroedShape: inputShape)
            for o in 0..<outer { for i in 0..<inner {
                dx.storage.pointer[(o * length + Int(argmax[o * inner + i])) * inner + i] += g.pointer[o * inner + i]
            } }
            return [dx]
        }
    }

    /// Index of the maximum along `axis` for every other position (not differentiable).
    /// - Throws: for a bad or empty axis.
    public func argmax(alongAxis axis: Int) throws -> [Int] {
        let a = try normalizedAxis(axis, operation: "argmax")
        guard shape[a] > 0 else {
            throw TensorError.invalidArgument(operation: "argmax", reason: "axis \(axis) of shape \(shape) is empty")
        }
        return maxValue(axis: a).argmax.map(Int.init)
    }

    /// Max over one axis kept with size 1, and the winning positions (not recorded).
    private func maxValue(axis: Int) -> (value: Tensor, argmax: [Int32]) {
        let outer = shape[..<axis].reduce(1, *), inner = shape[(axis + 1)...].reduce(1, *)
        var outShape = shape
        outShape[axis] = 1
        let value = Tensor(uninitializedShape: outShape)
        var argmax = [Int32](repeating: 0, count: outer * inner)
        argmax.withUnsafeMutableBufferPointer { arg in
            reduceMax(output: value.storage.pointer, argmax: arg.baseAddress, input: pointer, outer: outer, axis: shape[axis], inner: inner)
        }
        return (value, argmax)
    }
}
